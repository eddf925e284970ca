#include "cli/describe.hpp"

#include "config/near_miss.hpp"
#include "config/schema.hpp"
#include "plugin_host/library.hpp"

#include <fmt/format.h>

#include <array>

namespace berth::kernel::cli {
namespace {

std::optional<config::plugin_kind> parse_kind(const std::string& text) {
  for (auto k : {config::plugin_kind::transport, config::plugin_kind::store,
                 config::plugin_kind::filter, config::plugin_kind::auth,
                 config::plugin_kind::tracer}) {
    if (config::to_string(k) == text) return k;
  }
  return std::nullopt;
}

std::string type_text(const config::key_spec& key) {
  if (key.type == config::value_type::enumeration) {
    return fmt::format("one of {}", fmt::join(key.values, "|"));
  }
  if (key.type == config::value_type::array) {
    return fmt::format("array of {}", config::to_string(key.items));
  }
  return std::string(config::to_string(key.type));
}

void print_keys(const std::vector<config::key_spec>& keys, const std::string& prefix,
                std::FILE* out) {
  for (const auto& key : keys) {
    const std::string name = prefix + key.name;
    const std::string presence = key.required ? "required"
                                 : key.default_json.empty() ? "optional"
                                                            : "default " + key.default_json;
    fmt::print(out, "  {:<24} {:<24} {:<20} {}\n", name, type_text(key), presence, key.help);
    if (key.type == config::value_type::table) print_keys(key.keys, name + ".", out);
  }
}

}  // namespace

bool list_plugins(const plugin_host::path_list& search_path, std::FILE* out) {
  bool all_ok = true;
  const auto files = plugin_host::list_plugin_files(search_path);
  if (files.empty()) {
    fmt::print(out, "no plugins in {}\n", plugin_host::join_paths(search_path));
    return true;
  }
  for (const auto& file : files) {
    auto lib = plugin_host::load_library(file);
    if (!lib) {
      all_ok = false;
      fmt::print(out, "{:<9} {:<16} {}\n", "error", "-", lib.error().message);
      continue;
    }
    const auto& l = *lib.value();
    fmt::print(out, "{:<9} {:<16} version={:<8} abi={:<5} {}  {}\n", config::to_string(l.kind()),
               l.name(), l.version(), l.abi_version(), l.path().string(), l.description());
  }
  return all_ok;
}

bool describe_plugin(const plugin_host::path_list& search_path, const std::string& kind_text,
                     const std::string& name, std::FILE* out) {
  const auto kind = parse_kind(kind_text);
  if (!kind) {
    fmt::print(stderr, "berthd: unknown plugin kind '{}' (use transport, store, filter, auth or tracer)\n",
               kind_text);
    return false;
  }
  const auto path = plugin_host::find_plugin(search_path, *kind, name);
  if (!path) {
    const auto names = plugin_host::available_names(search_path, *kind);
    const auto near = config::closest_match(name, names);
    fmt::print(stderr, "berthd: no {} plugin '{}' in {}{}\n", kind_text, name,
               plugin_host::join_paths(search_path),
               near ? fmt::format(" (did you mean '{}'?)", *near) : std::string{});
    return false;
  }
  auto lib = plugin_host::load_library(*path);
  if (!lib) {
    fmt::print(stderr, "berthd: {}\n", lib.error().message);
    return false;
  }
  const auto& l = *lib.value();
  fmt::print(out, "{} '{}' version {} (ABI {})\n  {}\n  file: {}\n\nkeys of a [{}] table:\n",
             kind_text, l.name(), l.version(), l.abi_version(), l.description(),
             l.path().string(), kind_text);
  if (l.schema().keys.empty()) fmt::print(out, "  (none)\n");
  print_keys(l.schema().keys, "", out);
  auto reserved = config::parse_schema(config::reserved_plugin_keys_schema_json());
  if (reserved) {
    fmt::print(out, "\nkeys of every plugin table (read by berthd):\n");
    print_keys(reserved.value().keys, "", out);
  }
  return true;
}

}  // namespace berth::kernel::cli
