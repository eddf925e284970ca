#include "config/value_rules.hpp"

#include "config/near_miss.hpp"
#include "config/units.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>

namespace berth::kernel::config {
namespace {

// Fixed notation, shortest exact digits: "10000000000" rather than "1e+10" for big integers.
std::string format_number(double value) {
  std::array<char, 512> buffer{};  // enough for any double in fixed notation
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                       std::chars_format::fixed);
  if (ec != std::errc{}) return "?";
  return std::string(buffer.data(), end);
}

// Bounds and values are doubles in the key's unit; sizes and durations are whole numbers.
std::uint64_t as_count(double value) {
  if (!(value > 0)) return 0;
  return static_cast<std::uint64_t>(std::llround(value));
}

std::string describe_items(value_type items) {
  switch (items) {
    case value_type::string: return "strings";
    case value_type::boolean: return "booleans";
    case value_type::integer: return "integers";
    case value_type::floating: return "numbers";
    case value_type::size: return "sizes";
    case value_type::duration: return "durations";
    case value_type::enumeration: return "enum values";
    case value_type::array: return "arrays";
    case value_type::table: return "tables";
  }
  return "values";
}

}  // namespace

std::string quote(std::string_view text) { return '"' + std::string(text) + '"'; }

std::string quoted_list(std::span<const std::string> values) {
  std::string out;
  for (const std::string& value : values) {
    if (!out.empty()) out += ", ";
    out += quote(value);
  }
  return out;
}

std::string plain_list(std::span<const std::string> names) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

std::string describe_expected(const key_spec& spec) {
  switch (spec.type) {
    case value_type::string: return "a string";
    case value_type::boolean: return "a boolean";
    case value_type::integer: return "an integer";
    case value_type::floating: return "a number";
    case value_type::size: return "a size such as \"64MiB\"";
    case value_type::duration: return "a duration such as \"500ms\"";
    case value_type::enumeration: return "one of " + quoted_list(spec.values);
    case value_type::array: return "an array of " + describe_items(spec.items);
    case value_type::table: return "a table";
  }
  return "a value";
}

std::string format_value(value_type type, double value) {
  switch (type) {
    case value_type::size: return format_size(as_count(value));
    case value_type::duration:
      return format_duration(std::chrono::nanoseconds(static_cast<std::int64_t>(as_count(value))));
    default: return format_number(value);
  }
}

std::optional<std::string> range_problem(const key_spec& spec, double value) {
  if (spec.min && value < *spec.min) {
    return format_value(spec.type, value) + " is below the minimum " +
           format_value(spec.type, *spec.min);
  }
  if (spec.max && value > *spec.max) {
    return format_value(spec.type, value) + " is above the maximum " +
           format_value(spec.type, *spec.max);
  }
  return std::nullopt;
}

std::optional<enum_problem> check_enum(const key_spec& spec, std::string_view value) {
  if (std::find(spec.values.begin(), spec.values.end(), value) != spec.values.end()) {
    return std::nullopt;
  }
  return enum_problem{quote(value) + " is not one of " + quoted_list(spec.values),
                      did_you_mean(value, spec.values)};
}

std::string did_you_mean(std::string_view word, std::span<const std::string> candidates) {
  const std::optional<std::string> match = closest_match(word, candidates);
  return match ? "did you mean '" + *match + "'?" : std::string();
}

}  // namespace berth::kernel::config
