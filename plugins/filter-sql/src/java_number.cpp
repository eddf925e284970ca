#include "java_number.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace berth::plugins::filter_sql {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ignoring_case(std::string_view text, std::string_view lowercase) noexcept {
  if (text.size() != lowercase.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (lower(text[i]) != lowercase[i]) return false;
  }
  return true;
}

// Accumulates the magnitude as a negative number so that the minimum value fits.
template <class Int>
std::optional<Int> parse_java_integer(std::string_view text) noexcept {
  if (text.empty()) return std::nullopt;
  bool negative = false;
  if (text.front() == '-' || text.front() == '+') {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  const Int limit = negative ? std::numeric_limits<Int>::min() : -std::numeric_limits<Int>::max();
  Int accumulated = 0;
  for (const char c : text) {
    if (!is_digit(c)) return std::nullopt;
    const Int digit = static_cast<Int>(c - '0');
    if (accumulated < limit / 10) return std::nullopt;
    accumulated = static_cast<Int>(accumulated * 10);
    if (accumulated < limit + digit) return std::nullopt;
    accumulated = static_cast<Int>(accumulated - digit);
  }
  return negative ? accumulated : static_cast<Int>(-accumulated);
}

// The digits of a mantissa "I.F" and how far its first significant digit sits from the point:
// positive for I's significant digits, negative for zeros after the point. Used to tell an
// overflow from an underflow when from_chars reports a value out of range.
struct mantissa_shape {
  size_t length = 0;       // characters of "I.F"
  int64_t magnitude = 0;   // position of the first significant digit (digit counts)
  bool has_digit = false;
};

template <class IsDigit>
mantissa_shape scan_mantissa(std::string_view text, IsDigit is_mantissa_digit) noexcept {
  mantissa_shape shape;
  size_t i = 0;
  bool significant = false;
  for (; i < text.size() && is_mantissa_digit(text[i]); ++i) {
    shape.has_digit = true;
    if (text[i] != '0') significant = true;
    if (significant) ++shape.magnitude;
  }
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && is_mantissa_digit(text[i]); ++i) {
      shape.has_digit = true;
      if (!significant && text[i] == '0') --shape.magnitude;
      if (text[i] != '0') significant = true;
    }
  }
  shape.length = i;
  return shape;
}

// An exponent "[+-]digits" (at least one digit), saturated far beyond any double's range.
struct exponent_shape {
  size_t length = 0;
  int64_t value = 0;
};

std::optional<exponent_shape> scan_exponent(std::string_view text) noexcept {
  exponent_shape shape;
  bool negative = false;
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  const size_t first_digit = i;
  for (; i < text.size() && is_digit(text[i]); ++i) {
    if (shape.value < 1'000'000'000) shape.value = shape.value * 10 + (text[i] - '0');
  }
  if (i == first_digit) return std::nullopt;
  shape.length = i;
  if (negative) shape.value = -shape.value;
  return shape;
}

bool is_type_suffix(std::string_view rest) noexcept {
  return rest.empty() || (rest.size() == 1 && (lower(rest[0]) == 'f' || lower(rest[0]) == 'd'));
}

// Converts text already checked against Java's grammar; out of range saturates like Java.
std::optional<double> convert(std::string_view number, std::chars_format format,
                              bool overflows) noexcept {
  double value = 0;
  const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value, format);
  if (error == std::errc::result_out_of_range) {
    return overflows ? std::numeric_limits<double>::infinity() : 0.0;
  }
  if (error != std::errc{} || end != number.data() + number.size()) return std::nullopt;
  return value;
}

// "0x" already removed: hex digits with an optional point, then p, a binary exponent, a suffix.
std::optional<double> parse_hex_body(std::string_view text) noexcept {
  const mantissa_shape mantissa = scan_mantissa(text, is_hex_digit);
  if (!mantissa.has_digit || mantissa.length == text.size()) return std::nullopt;
  if (lower(text[mantissa.length]) != 'p') return std::nullopt;
  const auto exponent = scan_exponent(text.substr(mantissa.length + 1));
  if (!exponent) return std::nullopt;
  const size_t number_length = mantissa.length + 1 + exponent->length;
  if (!is_type_suffix(text.substr(number_length))) return std::nullopt;
  return convert(text.substr(0, number_length), std::chars_format::hex,
                 mantissa.magnitude * 4 + exponent->value > 0);
}

std::optional<double> parse_decimal_body(std::string_view text) noexcept {
  const mantissa_shape mantissa = scan_mantissa(text, is_digit);
  if (!mantissa.has_digit) return std::nullopt;
  size_t number_length = mantissa.length;
  int64_t exponent_value = 0;
  if (number_length < text.size() && lower(text[number_length]) == 'e') {
    const auto exponent = scan_exponent(text.substr(number_length + 1));
    if (!exponent) return std::nullopt;
    number_length += 1 + exponent->length;
    exponent_value = exponent->value;
  }
  if (!is_type_suffix(text.substr(number_length))) return std::nullopt;
  return convert(text.substr(0, number_length), std::chars_format::general,
                 mantissa.magnitude + exponent_value > 0);
}

std::string_view trim_java(std::string_view text) noexcept {
  while (!text.empty() && static_cast<unsigned char>(text.front()) <= ' ') text.remove_prefix(1);
  while (!text.empty() && static_cast<unsigned char>(text.back()) <= ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

std::optional<int32_t> parse_java_int(std::string_view text) noexcept {
  return parse_java_integer<int32_t>(text);
}

std::optional<int64_t> parse_java_long(std::string_view text) noexcept {
  return parse_java_integer<int64_t>(text);
}

std::optional<double> parse_java_double(std::string_view text) noexcept {
  text = trim_java(text);
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  std::optional<double> magnitude;
  if (text == "NaN") {
    magnitude = std::numeric_limits<double>::quiet_NaN();
  } else if (text == "Infinity") {
    magnitude = std::numeric_limits<double>::infinity();
  } else if (text.size() > 2 && text[0] == '0' && lower(text[1]) == 'x') {
    magnitude = parse_hex_body(text.substr(2));
  } else {
    magnitude = parse_decimal_body(text);
  }
  if (!magnitude) return std::nullopt;
  return negative ? -*magnitude : *magnitude;
}

bool parse_java_boolean(std::string_view text) noexcept { return equals_ignoring_case(text, "true"); }

int java_double_compare(double left, double right) noexcept {
  if (left < right) return -1;
  if (left > right) return 1;
  // Equal or unordered: order by bits with every NaN the same, as doubleToLongBits does.
  const auto bits = [](double d) {
    return std::isnan(d) ? int64_t{0x7ff8000000000000} : std::bit_cast<int64_t>(d);
  };
  const int64_t l = bits(left);
  const int64_t r = bits(right);
  return l == r ? 0 : (l < r ? -1 : 1);
}

}  // namespace berth::plugins::filter_sql
