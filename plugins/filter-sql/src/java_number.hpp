// Java's String-to-value conversions, as RocketMQ applies them to property values compared
// with literals: Integer.valueOf, Long.valueOf, Double.valueOf, Boolean.valueOf, and the
// ordering of Double.compareTo. Allocation-free: they run on every match().
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace berth::plugins::filter_sql {

// Integer.valueOf: an optional sign, one or more ASCII digits, within 32 bits. No spaces.
[[nodiscard]] std::optional<int32_t> parse_java_int(std::string_view text) noexcept;

// Long.valueOf: as parse_java_int, within 64 bits.
[[nodiscard]] std::optional<int64_t> parse_java_long(std::string_view text) noexcept;

// Double.valueOf: trims bytes <= ' ', then an optional sign and NaN, Infinity, a decimal with
// an optional exponent or a hexadecimal with a binary exponent, then an optional f/F/d/D.
// Too large becomes infinity and too small zero, as in Java.
[[nodiscard]] std::optional<double> parse_java_double(std::string_view text) noexcept;

// Boolean.valueOf: true exactly when the text is "true" in any case.
[[nodiscard]] bool parse_java_boolean(std::string_view text) noexcept;

// Double.compare: numeric order, then -0.0 below 0.0 and NaN above everything, equal to itself.
[[nodiscard]] int java_double_compare(double left, double right) noexcept;

}  // namespace berth::plugins::filter_sql
