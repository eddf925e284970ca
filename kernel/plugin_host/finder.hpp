// Where plugin libraries are looked up: the configured search path, then BERTH_PLUGIN_PATH,
// then the directory beside berthd (<prefix>/lib/berth).
#pragma once

#include "config/broker_config.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace berth::kernel::plugin_host {

using path_list = std::vector<std::filesystem::path>;

// BERTH_PLUGIN_PATH (colon-separated) entries, then <dir of berthd>/../lib/berth.
path_list default_search_path();

// The configured entries first, then the defaults.
path_list effective_search_path(const path_list& configured);

// The first libberth-<kind>-<name>.so in the search path.
std::optional<std::filesystem::path> find_plugin(const path_list& search_path,
                                                 config::plugin_kind kind, std::string_view name);

// Every plugin file in the search path, the first of each file name, sorted by name.
std::vector<std::filesystem::path> list_plugin_files(const path_list& search_path);

// The plugin names of one kind available in the search path (from file names).
std::vector<std::string> available_names(const path_list& search_path, config::plugin_kind kind);

// "a, b" for messages.
std::string join_paths(const path_list& paths);

}  // namespace berth::kernel::plugin_host
