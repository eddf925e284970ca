// The store conformance suite's entry point: one run tests one store plugin.
//
//   berth_store_conformance --plugin=NAME [--config=TOML] [--library=PATH] [gtest flags]
//
// NAME picks lib/berth/libberth-store-NAME.so of this build tree (or PATH); TOML is the body
// of the plugin's [store] table, validated against its schema as berthd would. The
// environment variables BERTH_STORE_PLUGIN, BERTH_STORE_CONFIG and BERTH_STORE_LIBRARY stand
// in for missing flags.
#include "conformance_fixture.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

namespace {

std::string from_env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string{} : std::string(value);
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);  // removes the flags it knows

  berth::conformance::plugin_under_test plugin{from_env("BERTH_STORE_PLUGIN"),
                                               from_env("BERTH_STORE_CONFIG"),
                                               from_env("BERTH_STORE_LIBRARY")};
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--plugin=")) {
      plugin.name = arg.substr(9);
    } else if (arg.starts_with("--config=")) {
      plugin.config = arg.substr(9);
    } else if (arg.starts_with("--library=")) {
      plugin.library = arg.substr(10);
    } else {
      std::cerr << "berth_store_conformance: unknown argument '" << arg << "'\n";
      return 2;
    }
  }
  if (plugin.name.empty()) {
    std::cerr << "usage: berth_store_conformance --plugin=NAME [--config=TOML] "
                 "[--library=PATH] [gtest flags]\n";
    return 2;
  }
  if (plugin.library.empty()) plugin.library = berth::test::store_plugin_path(plugin.name);
  std::cout << "store conformance: plugin '" << plugin.name << "' from " << plugin.library
            << "\nconfig:\n" << (plugin.config.empty() ? "(defaults)" : plugin.config) << "\n";
  berth::conformance::set_target(std::move(plugin));
  return RUN_ALL_TESTS();
}
