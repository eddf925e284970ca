#include "compare.hpp"

#include "java_number.hpp"

#include <optional>

namespace berth::plugins::filter_sql {
namespace {

template <class T>
int three_way(T left, T right) noexcept {
  return left < right ? -1 : (left > right ? 1 : 0);
}

double as_double(const value& v) noexcept {
  return v.type == value_type::float64 ? v.number : static_cast<double>(v.integer);
}

// The string converted to the type of `like` (a number or a boolean), as Java's valueOf;
// nothing when the text is not such a number.
std::optional<value> convert_string(std::string_view text, const value& like) noexcept {
  switch (like.type) {
    case value_type::boolean:
      return value::truth(parse_java_boolean(text));
    case value_type::int32:
      if (const auto i = parse_java_int(text)) return value::int32(*i);
      return std::nullopt;
    case value_type::int64:
      if (const auto l = parse_java_long(text)) return value::int64(*l);
      return std::nullopt;
    case value_type::float64:
      if (const auto d = parse_java_double(text)) return value::float64(*d);
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

// Two values of one type.
int compare_same(const value& left, const value& right) noexcept {
  switch (left.type) {
    case value_type::boolean:
      return three_way(left.boolean, right.boolean);
    case value_type::int32:
    case value_type::int64:
      return three_way(left.integer, right.integer);
    case value_type::float64:
      return java_double_compare(left.number, right.number);
    case value_type::string:
      return left.text.compare(right.text);
    default:
      return 0;
  }
}

// Two numbers: int and long compare as long, anything with a double as double.
int compare_numbers(const value& left, const value& right) noexcept {
  if (left.type == value_type::float64 || right.type == value_type::float64) {
    return java_double_compare(as_double(left), as_double(right));
  }
  return three_way(left.integer, right.integer);
}

comparison compare_as_doubles(const value& left, const value& right) noexcept {
  const auto l = parse_java_double(left.text);
  const auto r = parse_java_double(right.text);
  if (!l || !r) return {0, true};
  return {java_double_compare(*l, *r), false};
}

}  // namespace

comparison java_compare(const value& left, const value& right, comparison_kind kind) noexcept {
  if (left.type == value_type::string && right.type == value_type::string) {
    if (kind == comparison_kind::ordering) return compare_as_doubles(left, right);
    return {compare_same(left, right), false};
  }
  if (left.type == right.type) return {compare_same(left, right), false};
  if (left.is_number() && right.is_number()) return {compare_numbers(left, right), false};
  if (left.type == value_type::string) {
    const auto converted = convert_string(left.text, right);
    if (!converted) return {0, true};
    return {compare_same(*converted, right), false};
  }
  if (right.type == value_type::string) {
    const auto converted = convert_string(right.text, left);
    if (!converted) return {0, true};
    return {compare_same(left, *converted), false};
  }
  return {-1, false};  // a boolean against a number: Java has no conversion and answers -1
}

}  // namespace berth::plugins::filter_sql
