#include "plugin_host/finder.hpp"

#include "plugin_host/library.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <system_error>

namespace berth::kernel::plugin_host {
namespace {

std::filesystem::path executable_dir() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path{} : self.parent_path();
}

}  // namespace

path_list default_search_path() {
  path_list out;
  if (const char* env = std::getenv("BERTH_PLUGIN_PATH"); env != nullptr) {
    std::string_view rest(env);
    while (!rest.empty()) {
      const auto colon = rest.find(':');
      const std::string_view part = rest.substr(0, colon);
      if (!part.empty()) out.emplace_back(part);
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  if (const auto dir = executable_dir(); !dir.empty()) {
    out.push_back((dir / ".." / "lib" / "berth").lexically_normal());
  }
  return out;
}

path_list effective_search_path(const path_list& configured) {
  path_list out = configured;
  for (auto& p : default_search_path()) {
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(std::move(p));
  }
  return out;
}

std::optional<std::filesystem::path> find_plugin(const path_list& search_path,
                                                 config::plugin_kind kind, std::string_view name) {
  const std::string file = library_file_name(kind, name);
  for (const auto& dir : search_path) {
    std::error_code ec;
    const auto candidate = dir / file;
    if (std::filesystem::exists(candidate, ec)) return candidate;
  }
  return std::nullopt;
}

std::vector<std::filesystem::path> list_plugin_files(const path_list& search_path) {
  std::map<std::string, std::filesystem::path> first_of_name;
  for (const auto& dir : search_path) {
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(dir, ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
      const std::string file = it->path().filename().string();
      if (file.starts_with("libberth-") && file.ends_with(".so")) {
        first_of_name.emplace(file, it->path());
      }
    }
  }
  std::vector<std::filesystem::path> out;
  for (auto& [file, p] : first_of_name) out.push_back(p);
  return out;
}

std::vector<std::string> available_names(const path_list& search_path, config::plugin_kind kind) {
  const std::string prefix = "libberth-" + std::string(config::to_string(kind)) + "-";
  std::vector<std::string> out;
  for (const auto& p : list_plugin_files(search_path)) {
    const std::string file = p.filename().string();
    if (file.starts_with(prefix)) out.push_back(file.substr(prefix.size(), file.size() - prefix.size() - 3));
  }
  return out;
}

std::string join_paths(const path_list& paths) {
  std::string out;
  for (const auto& p : paths) {
    if (!out.empty()) out += ", ";
    out += p.string();
  }
  return out.empty() ? std::string("(empty)") : out;
}

}  // namespace berth::kernel::plugin_host
