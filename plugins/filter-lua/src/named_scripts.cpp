#include "named_scripts.hpp"

#include <berth/plugin/error.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace berth::plugins::filter_lua {
namespace {

namespace fs = std::filesystem;

std::string read_whole(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) throw sdk::plugin_error(BERTH_E_IO, "named script '" + file.string() + "' cannot be read");
  return text.str();
}

}  // namespace

named_scripts named_scripts::load(const std::string& dir) {
  named_scripts loaded;
  loaded.dir_ = dir;
  if (dir.empty()) return loaded;
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    throw sdk::plugin_error(BERTH_E_INVALID, "script_dir '" + dir + "' is not a folder");
  }
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".lua") continue;
    loaded.scripts_.emplace(entry.path().stem().string(), read_whole(entry.path()));
  }
  return loaded;
}

const std::string* named_scripts::find(std::string_view name) const {
  const auto it = scripts_.find(name);
  return it == scripts_.end() ? nullptr : &it->second;
}

std::string named_scripts::names() const {
  if (scripts_.empty()) return "none";
  std::string list;
  for (const auto& [name, text] : scripts_) {
    if (!list.empty()) list += ", ";
    list += name;
  }
  return list;
}

}  // namespace berth::plugins::filter_lua
