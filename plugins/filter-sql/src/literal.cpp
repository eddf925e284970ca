#include "literal.hpp"

#include "compile_error.hpp"
#include "java_number.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <system_error>

namespace berth::plugins::filter_sql {

value integer_literal(const token& t) {
  std::string_view digits = t.text;
  if (digits.ends_with('l') || digits.ends_with('L')) digits.remove_suffix(1);
  uint64_t magnitude = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
  if (error != std::errc{} || end != digits.data() + digits.size() ||
      magnitude > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    fail_at(t.column, "integer " + std::string(t.text) + " does not fit in 64 bits");
  }
  if (magnitude <= static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
    return value::int32(static_cast<int32_t>(magnitude));
  }
  return value::int64(static_cast<int64_t>(magnitude));
}

value float_literal(const token& t) {
  // The literal grammar is a subset of Double.valueOf's; a value too small for a double is 0.
  const auto number = parse_java_double(t.text);
  if (!number || std::isinf(*number)) {
    fail_at(t.column, "number " + std::string(t.text) + " is out of the range of a double");
  }
  return value::float64(*number);
}

std::string string_literal(const token& t) {
  const std::string_view inner = t.text.substr(1, t.text.size() - 2);
  std::string decoded;
  decoded.reserve(inner.size());
  for (size_t i = 0; i < inner.size(); ++i) {
    decoded.push_back(inner[i]);
    if (inner[i] == '\'') ++i;  // the second quote of ''
  }
  return decoded;
}

}  // namespace berth::plugins::filter_sql
