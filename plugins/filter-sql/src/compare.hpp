// Java's comparison of two non-null values as RocketMQ's ComparisonExpression does it: a
// string meeting a number is converted to that number's type, a string meeting a boolean
// becomes "true" case-insensitively, numbers widen int -> long -> double, and values of
// types with no conversion compare as "less" (Java's -1).
#pragma once

#include "value.hpp"

namespace berth::plugins::filter_sql {

// Equality compares two strings as strings; ordering (> >= < <=) parses both as doubles.
enum class comparison_kind : uint8_t { equality, ordering };

struct comparison {
  int order = 0;       // < 0, 0, > 0 as left is below, equal to or above right
  bool failed = false;  // a conversion failed: the evaluation is in error
};

// Neither value may be null or an error.
[[nodiscard]] comparison java_compare(const value& left, const value& right,
                                      comparison_kind kind) noexcept;

}  // namespace berth::plugins::filter_sql
