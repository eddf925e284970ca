// Plugin instances made the way berthd makes them, for tests and benchmarks that run without
// berthd: a library loaded and checked, a TOML table validated against its schema, the
// instance created over a metrics registry and a scheduler of its own.
#pragma once

#include "common/result.hpp"
#include "executor/scheduler.hpp"
#include "metrics/registry.hpp"
#include "plugin_host/host_context.hpp"
#include "plugin_host/instance.hpp"
#include "plugin_host/library.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

namespace berth::kernel::plugin_host {

// The host services a plugin instance needs, with the registry and scheduler they point to.
// Declare it before anything holding an instance, so instances go first.
struct test_services {
  explicit test_services(std::string broker_name = "berth-test",
                         std::string data_dir = "/tmp/data")
      : services{metrics, scheduler, std::move(broker_name), std::move(data_dir)} {}
  test_services(const test_services&) = delete;
  test_services& operator=(const test_services&) = delete;

  metrics::registry metrics;
  executor::scheduler scheduler{1};
  host_services services;
};

// An instance `id` of `library` configured from `toml_text` (one plugin table, without its
// `plugin`/`id` keys). A TOML syntax error or the first schema violation comes back as
// BERTH_E_INVALID with its text; a refusal of create() with the plugin's own message.
result<instance_ptr> instance_from_toml(const library_ptr& library, std::string_view toml_text,
                                        const std::string& id, host_services& services);

// The same after loading the library at `path`; a refused load comes back as is.
result<instance_ptr> instance_from_toml(const std::filesystem::path& path,
                                        std::string_view toml_text, const std::string& id,
                                        host_services& services);

// One plugin library loaded once, and instances `id` of it made from TOML over test_services
// of their own: what a test of a built plugin library needs.
class test_plugin {
 public:
  test_plugin(const std::filesystem::path& path, std::string id);

  // The library; null when it was refused, and load_error() says why.
  [[nodiscard]] const library_ptr& library() const { return library_; }
  [[nodiscard]] const std::string& load_error() const { return load_error_; }
  [[nodiscard]] test_services& services() { return services_; }

  // instance_from_toml() with this library and id; BERTH_E_INVALID when the library was refused.
  result<instance_ptr> create(std::string_view toml_text = "");

 private:
  test_services services_;
  library_ptr library_;
  std::string load_error_;
  std::string id_;
};

}  // namespace berth::kernel::plugin_host
