#include "config/json_value.hpp"

#include "config/units.hpp"
#include "config/value_rules.hpp"

#include <cstdint>
#include <limits>

namespace berth::kernel::config {
namespace {

using json = nlohmann::ordered_json;

constexpr auto kMaxInt = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

auto invalid(std::string message) { return failure(BERTH_E_INVALID, std::move(message)); }

auto mismatch(const key_spec& spec, const json& value) {
  return invalid("expected " + describe_expected(spec) + ", found " + value.dump());
}

result<std::uint64_t> size_from_json(const key_spec& spec, const json& value) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_number_integer()) return invalid(value.dump() + " is not a size: negative");
  if (!value.is_string()) return mismatch(spec, value);
  const auto& text = value.get_ref<const std::string&>();
  auto bytes = parse_size(text);
  if (!bytes) return invalid(quote(text) + " is not a size: " + bytes.error().message);
  return bytes.value();
}

result<std::int64_t> duration_from_json(const key_spec& spec, const json& value) {
  if (!value.is_string()) return mismatch(spec, value);
  const auto& text = value.get_ref<const std::string&>();
  auto ns = parse_duration(text);
  if (!ns) return invalid(quote(text) + " is not a duration: " + ns.error().message);
  return ns.value().count();
}

result<config_node> within_range(const key_spec& spec, double value, config_node node) {
  if (auto problem = range_problem(spec, value)) return invalid(std::move(*problem));
  return node;
}

result<config_node> scalar_from_json(const key_spec& spec, const json& value) {
  switch (spec.type) {
    case value_type::string:
      if (!value.is_string()) return mismatch(spec, value);
      return config_node{BERTH_CONFIG_STRING, 0, 0, value.get<std::string>()};
    case value_type::boolean:
      if (!value.is_boolean()) return mismatch(spec, value);
      return config_node{BERTH_CONFIG_BOOL, value.get<bool>() ? 1 : 0, 0, {}};
    case value_type::integer: {
      if (!value.is_number_integer()) return mismatch(spec, value);
      if (value.is_number_unsigned() && value.get<std::uint64_t>() > kMaxInt) {
        return invalid(value.dump() + " is too large");
      }
      const auto number = value.get<std::int64_t>();
      return within_range(spec, static_cast<double>(number),
                          config_node{BERTH_CONFIG_INT, number, 0, {}});
    }
    case value_type::floating: {
      if (!value.is_number()) return mismatch(spec, value);
      const auto number = value.get<double>();
      return within_range(spec, number, config_node{BERTH_CONFIG_FLOAT, 0, number, {}});
    }
    case value_type::size: {
      auto bytes = size_from_json(spec, value);
      if (!bytes) return bytes.error();
      if (bytes.value() > kMaxInt) return invalid(value.dump() + " is not a size: too large");
      const auto count = static_cast<std::int64_t>(bytes.value());
      return within_range(spec, static_cast<double>(count),
                          config_node{BERTH_CONFIG_SIZE, count, 0, {}});
    }
    case value_type::duration: {
      auto ns = duration_from_json(spec, value);
      if (!ns) return ns.error();
      return within_range(spec, static_cast<double>(ns.value()),
                          config_node{BERTH_CONFIG_DURATION, ns.value(), 0, {}});
    }
    case value_type::enumeration: {
      if (!value.is_string()) return mismatch(spec, value);
      auto text = value.get<std::string>();
      if (auto problem = check_enum(spec, text)) return invalid(std::move(problem->message));
      return config_node{BERTH_CONFIG_STRING, 0, 0, std::move(text)};
    }
    case value_type::array:
    case value_type::table: break;
  }
  return mismatch(spec, value);
}

result<void> store_array(const key_spec& spec, const json& value, const std::string& path,
                         config_tree& out) {
  if (!value.is_array()) return mismatch(spec, value);
  key_spec item;
  item.type = spec.items;
  std::int64_t index = 0;
  for (const json& element : value) {
    auto node = scalar_from_json(item, element);
    if (!node) {
      return invalid("element " + std::to_string(index) + ": " + node.error().message);
    }
    out.set(path + '.' + std::to_string(index), std::move(node).value());
    ++index;
  }
  out.set(path, config_node{BERTH_CONFIG_ARRAY, index, 0, {}});
  return success();
}

}  // namespace

result<void> store_json_value(const key_spec& spec, const json& value, const std::string& path,
                              config_tree& out) {
  if (spec.type == value_type::table) return invalid("a table takes no default value");
  if (spec.type == value_type::array) return store_array(spec, value, path, out);
  auto node = scalar_from_json(spec, value);
  if (!node) return node.error();
  out.set(path, std::move(node).value());
  return success();
}

}  // namespace berth::kernel::config
