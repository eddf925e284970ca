// Shared setup for ABI tests: kernel services, and helpers to load a test plugin and create an
// instance of it with its schema's defaults.
#pragma once

#include "config/validate.hpp"
#include "executor/scheduler.hpp"
#include "metrics/registry.hpp"
#include "plugin_host/instance.hpp"
#include "plugin_host/library.hpp"
#include "process.hpp"

#include <berth/abi/berth_message.h>

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <string>

namespace berth::test {

class loader_fixture : public ::testing::Test {
 protected:
  static std::filesystem::path plugin(const std::string& name) {
    return test_plugin_dir() / ("libberth-filter-" + name + ".so");
  }

  kernel::plugin_host::library_ptr load_ok(const std::string& name) {
    auto lib = kernel::plugin_host::load_library(plugin(name));
    EXPECT_TRUE(lib) << (lib ? "" : lib.error().message);
    return lib ? lib.value() : nullptr;
  }

  std::string load_error(const std::filesystem::path& path) {
    auto lib = kernel::plugin_host::load_library(path);
    EXPECT_FALSE(lib) << path << " loaded but should not";
    return lib ? std::string{} : lib.error().message;
  }

  // Validate `toml_text` against the plugin's schema, then create an instance from it.
  result<kernel::plugin_host::instance_ptr> create(const kernel::plugin_host::library_ptr& lib,
                                                   const std::string& toml_text = "") {
    const toml::table table = toml::parse(toml_text);
    kernel::config::config_tree tree;
    kernel::config::config_errors errors;
    const kernel::config::validate_context ctx{"test.toml", "filter[0]", {}, {}};
    if (!kernel::config::validate_table(table, lib->schema(), ctx, tree, errors)) {
      return failure(BERTH_E_INVALID, errors.front().to_string());
    }
    return kernel::plugin_host::plugin_instance::create(lib, {"filter-test-1", "", tree}, services_);
  }

  kernel::metrics::registry metrics_;
  kernel::executor::scheduler scheduler_{1};
  kernel::plugin_host::host_services services_{metrics_, scheduler_, "berth-test", "/tmp/data"};
};

// A message view with just a tag, for match(). The view borrows `tag`: pass a literal.
inline berth_message_view message_with_tag(std::string_view tag) {
  berth_message_view view{};
  view.struct_size = sizeof view;
  view.tags = berth_str{tag.data(), tag.size()};
  view.tag_hash = berth_tag_hash(view.tags);
  return view;
}

}  // namespace berth::test
