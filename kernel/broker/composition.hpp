// From a parsed config to a checked plan: every plugin table resolved to a loaded library and
// validated against that plugin's schema. Nothing is created here, so --check-config can use
// it; errors come back together, each located in the config file.
#pragma once

#include "config/broker_config.hpp"
#include "config/config_error.hpp"
#include "plugin_host/finder.hpp"
#include "plugin_host/library.hpp"

#include <string>
#include <vector>

namespace berth::kernel::broker {

struct resolved_plugin {
  config::plugin_table table;
  plugin_host::library_ptr library;
  config::config_tree config;  // the plugin's keys, validated, with defaults
};

struct composition {
  config::broker_config config;
  plugin_host::path_list search_path;
  std::vector<resolved_plugin> plugins;  // creation order: store, auth, filter, tracer, transport
};

result<composition, config::config_errors> compose(config::broker_config config);

// The composed broker, one line per plugin, for --check-config.
std::string describe(const composition& plan);

}  // namespace berth::kernel::broker
