#include "config/diagnostics.hpp"

#include <algorithm>
#include <limits>
#include <tuple>
#include <utility>

namespace berth::kernel::config {

config_error make_error(const std::string& file, const toml::source_position& where,
                        std::string key, std::string message, std::string hint) {
  return config_error{file, where.line, where.column, std::move(key), std::move(message),
                      std::move(hint)};
}

std::string describe_found(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time: return "a date/time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

void sort_by_position(config_errors& errors) {
  const auto order = [](const config_error& e) {
    const std::uint32_t line = e.line == 0 ? std::numeric_limits<std::uint32_t>::max() : e.line;
    return std::make_tuple(line, e.column);
  };
  std::stable_sort(errors.begin(), errors.end(), [&](const config_error& a, const config_error& b) {
    return order(a) < order(b);
  });
}

}  // namespace berth::kernel::config
