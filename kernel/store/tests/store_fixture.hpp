// A store plugin instance for tests, as berthd would make it: load libberth-store-<name>.so,
// validate a TOML table against the plugin's schema, create the instance with its own kernel
// services and a fresh data dir, and wrap it in the store facade. Used by the facade's unit
// tests and by the store conformance suite (tests/conformance/store).
#pragma once

#include "executor/scheduler.hpp"
#include "metrics/registry.hpp"
#include "plugin_host/host_context.hpp"
#include "process.hpp"
#include "store/store.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace berth::test {

class store_harness {
 public:
  // `library` is the plugin file; `toml_text` the body of its [store] table (without the
  // reserved `plugin` key). The data dir is a fresh temp dir, removed with the harness.
  static result<std::unique_ptr<store_harness>> open(const std::filesystem::path& library,
                                                     std::string_view toml_text);
  ~store_harness();
  store_harness(const store_harness&) = delete;
  store_harness& operator=(const store_harness&) = delete;

  [[nodiscard]] kernel::store::store& store() { return *store_; }
  [[nodiscard]] const std::filesystem::path& data_dir() const { return data_.path(); }
  // The raw ABI, for tests that must see exactly what the plugin does.
  [[nodiscard]] const berth_store_ops& ops() const;
  [[nodiscard]] berth_instance* handle() const { return store_->instance()->handle(); }

 private:
  store_harness();

  temp_dir data_;  // declared first: removed after the instance is gone
  kernel::metrics::registry metrics_;
  kernel::executor::scheduler scheduler_{1};
  kernel::plugin_host::host_services services_;
  kernel::store::store_ptr store_;
};

// The path of a production store plugin in this build tree: lib/berth/libberth-store-<name>.so.
std::filesystem::path store_plugin_path(std::string_view name);

}  // namespace berth::test
