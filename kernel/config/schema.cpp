#include "config/schema.hpp"

#include "config/config_tree.hpp"
#include "config/json_value.hpp"
#include "config/units.hpp"
#include "config/value_rules.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace berth::kernel::config {
namespace {

using json = nlohmann::ordered_json;

struct type_name {
  std::string_view name;
  value_type type;
};

constexpr std::array<type_name, 9> kTypeNames{{{"string", value_type::string},
                                               {"bool", value_type::boolean},
                                               {"int", value_type::integer},
                                               {"float", value_type::floating},
                                               {"size", value_type::size},
                                               {"duration", value_type::duration},
                                               {"enum", value_type::enumeration},
                                               {"array", value_type::array},
                                               {"table", value_type::table}}};

constexpr std::array<std::string_view, 9> kKeyFields{
    "type", "help", "default", "required", "min", "max", "values", "items", "keys"};

// A schema error is a plugin bug: name the key so its author finds it at once.
auto key_error(const std::string& path, const std::string& message) {
  return failure(BERTH_E_INVALID, "schema key '" + path + "': " + message);
}

std::optional<value_type> parse_type_name(std::string_view name) {
  for (const type_name& entry : kTypeNames) {
    if (entry.name == name) return entry.type;
  }
  return std::nullopt;
}

std::string type_name_list() {
  std::string out;
  for (const type_name& entry : kTypeNames) {
    if (!out.empty()) out += ", ";
    out += entry.name;
  }
  return out;
}

bool is_bounded(value_type type) {
  return type == value_type::integer || type == value_type::floating ||
         type == value_type::size || type == value_type::duration;
}

bool is_array_item_type(value_type type) {
  return type == value_type::string || type == value_type::integer ||
         type == value_type::floating || type == value_type::boolean;
}

result<void> check_fields(const json& spec, const std::string& path) {
  for (const auto& [field, value] : spec.items()) {
    if (std::find(kKeyFields.begin(), kKeyFields.end(), field) == kKeyFields.end()) {
      return key_error(path, "unknown field '" + field + "'");
    }
  }
  return success();
}

result<value_type> parse_key_type(const json& spec, const std::string& path) {
  const auto it = spec.find("type");
  if (it == spec.end()) return key_error(path, "missing \"type\"");
  if (!it->is_string()) return key_error(path, "\"type\" must be a string");
  const auto type = parse_type_name(it->get<std::string>());
  if (!type) {
    return key_error(path, "unknown type '" + it->get<std::string>() + "' (use " +
                               type_name_list() + ")");
  }
  return *type;
}

// A bound in the key's own unit: sizes and durations may be written "1MiB", "10s".
result<double> parse_bound(const json& value, value_type type, const std::string& field,
                           const std::string& path) {
  const auto bad = [&](const std::string& why) { return key_error(path, field + ": " + why); };
  if (type == value_type::size && value.is_string()) {
    auto bytes = parse_size(value.get<std::string>());
    if (!bytes) return bad(value.dump() + " is not a size: " + bytes.error().message);
    return static_cast<double>(bytes.value());
  }
  if (type == value_type::duration) {
    if (!value.is_string()) return bad("expected a duration such as \"500ms\"");
    auto ns = parse_duration(value.get<std::string>());
    if (!ns) return bad(value.dump() + " is not a duration: " + ns.error().message);
    return static_cast<double>(ns.value().count());
  }
  if (type == value_type::integer && !value.is_number_integer()) return bad("expected an integer");
  if (!value.is_number()) return bad("expected a number");
  return value.get<double>();
}

result<void> parse_bounds(const json& spec, key_spec& out, const std::string& path) {
  for (const char* field : {"min", "max"}) {
    const auto it = spec.find(field);
    if (it == spec.end()) continue;
    if (!is_bounded(out.type)) {
      return key_error(path, std::string("\"") + field +
                                 "\" is only for int, float, size and duration");
    }
    auto bound = parse_bound(*it, out.type, field, path);
    if (!bound) return bound.error();
    (std::string_view(field) == "min" ? out.min : out.max) = bound.value();
  }
  if (out.min && out.max && *out.min > *out.max) return key_error(path, "min is above max");
  return success();
}

result<void> parse_enum_values(const json& spec, key_spec& out, const std::string& path) {
  const auto it = spec.find("values");
  if (out.type != value_type::enumeration) {
    if (it != spec.end()) return key_error(path, "\"values\" is only for enum");
    return success();
  }
  if (it == spec.end()) return key_error(path, "enum needs \"values\"");
  if (!it->is_array() || it->empty()) {
    return key_error(path, "\"values\" must be a non-empty array of strings");
  }
  for (const json& value : *it) {
    if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
      return key_error(path, "\"values\" must be a non-empty array of strings");
    }
    out.values.push_back(value.get<std::string>());
  }
  return success();
}

result<void> parse_array_items(const json& spec, key_spec& out, const std::string& path) {
  const auto it = spec.find("items");
  if (it == spec.end()) return success();  // arrays of strings unless told otherwise
  if (out.type != value_type::array) return key_error(path, "\"items\" is only for array");
  const auto type = it->is_string() ? parse_type_name(it->get<std::string>()) : std::nullopt;
  if (!type || !is_array_item_type(*type)) {
    return key_error(path, "\"items\" must be one of string, int, float, bool");
  }
  out.items = *type;
  return success();
}

result<void> parse_text_fields(const json& spec, key_spec& out, const std::string& path) {
  if (const auto it = spec.find("help"); it != spec.end()) {
    if (!it->is_string()) return key_error(path, "\"help\" must be a string");
    out.help = it->get<std::string>();
  }
  if (const auto it = spec.find("required"); it != spec.end()) {
    if (!it->is_boolean()) return key_error(path, "\"required\" must be true or false");
    out.required = it->get<bool>();
  }
  return success();
}

// The default must be a value the key itself would accept: same rules as a TOML value.
result<void> parse_default(const json& spec, key_spec& out, const std::string& path) {
  const auto it = spec.find("default");
  if (it == spec.end()) return success();
  if (out.required) return key_error(path, "a required key cannot have a default");
  config_tree scratch;
  if (auto stored = store_json_value(out, *it, out.name, scratch); !stored) {
    return key_error(path, "default: " + stored.error().message);
  }
  out.default_json = it->dump();
  return success();
}

result<std::vector<key_spec>> parse_keys(const json& keys, const std::string& prefix);

result<void> parse_members(const json& spec, key_spec& out, const std::string& path) {
  const auto it = spec.find("keys");
  if (out.type != value_type::table) {
    if (it != spec.end()) return key_error(path, "\"keys\" is only for table");
    return success();
  }
  if (it == spec.end()) return key_error(path, "table needs \"keys\"");
  if (!it->is_object()) return key_error(path, "\"keys\" must be an object");
  auto members = parse_keys(*it, path + '.');
  if (!members) return members.error();
  out.keys = std::move(members).value();
  return success();
}

result<key_spec> parse_key(const std::string& name, const json& spec, const std::string& path) {
  if (name.empty() || name.find('.') != std::string::npos) {
    return key_error(path, "key names must be non-empty and without '.'");
  }
  if (!spec.is_object()) return key_error(path, "must be an object with \"type\"");
  key_spec out;
  out.name = name;
  BERTH_TRY(check_fields(spec, path));
  BERTH_TRY(type, parse_key_type(spec, path));
  out.type = type;
  BERTH_TRY(parse_text_fields(spec, out, path));
  BERTH_TRY(parse_enum_values(spec, out, path));
  BERTH_TRY(parse_array_items(spec, out, path));
  BERTH_TRY(parse_bounds(spec, out, path));
  BERTH_TRY(parse_members(spec, out, path));
  BERTH_TRY(parse_default(spec, out, path));
  return out;
}

// `keys` is an object; `prefix` is "" at the top and "tls." inside table "tls".
result<std::vector<key_spec>> parse_keys(const json& keys, const std::string& prefix) {
  std::vector<key_spec> out;
  for (const auto& [name, spec] : keys.items()) {
    auto key = parse_key(name, spec, prefix + name);
    if (!key) return key.error();
    out.push_back(std::move(key).value());
  }
  return out;
}

}  // namespace

std::string_view to_string(value_type type) {
  for (const type_name& entry : kTypeNames) {
    if (entry.type == type) return entry.name;
  }
  return "unknown";
}

const key_spec* schema::find(std::string_view name) const {
  const auto it = std::find_if(keys.begin(), keys.end(),
                               [&](const key_spec& key) { return key.name == name; });
  return it == keys.end() ? nullptr : &*it;
}

result<schema> parse_schema(std::string_view text) {
  json document;
  try {
    document = json::parse(text);
  } catch (const json::parse_error& e) {
    return failure(BERTH_E_INVALID, std::string("schema is not valid JSON: ") + e.what());
  }
  if (!document.is_object()) {
    return failure(BERTH_E_INVALID, "schema must be a JSON object with \"keys\"");
  }
  for (const auto& [field, value] : document.items()) {
    if (field != "keys") {
      return failure(BERTH_E_INVALID, "schema: unknown field '" + field + "' (use \"keys\")");
    }
  }
  schema out;
  if (const auto it = document.find("keys"); it != document.end()) {
    if (!it->is_object()) return failure(BERTH_E_INVALID, "schema: \"keys\" must be an object");
    auto keys = parse_keys(*it, "");
    if (!keys) return keys.error();
    out.keys = std::move(keys).value();
  }
  return out;
}

}  // namespace berth::kernel::config
