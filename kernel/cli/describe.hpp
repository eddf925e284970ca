// berthd's informational commands: --list-plugins and --describe-plugin.
#pragma once

#include "plugin_host/finder.hpp"

#include <cstdio>
#include <string>

namespace berth::kernel::cli {

// One line per plugin file: kind, name, version, ABI, file, description; a file that fails to
// load is listed with the reason. False when any failed.
bool list_plugins(const plugin_host::path_list& search_path, std::FILE* out);

// The plugin's description and every config key with type, default and help, then the
// reserved keys. False (with a message on stderr) when the plugin is not found or not valid.
bool describe_plugin(const plugin_host::path_list& search_path, const std::string& kind,
                     const std::string& name, std::FILE* out);

}  // namespace berth::kernel::cli
