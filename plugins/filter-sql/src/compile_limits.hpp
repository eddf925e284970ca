// What compile() accepts at most: the plugin's max_expression_bytes and max_depth keys.
#pragma once

#include <cstdint>

namespace berth::plugins::filter_sql {

struct compile_limits {
  uint64_t max_expression_bytes = 4096;
  // Nesting depth of the expression tree: a literal or property is 1; every operator, every
  // pair of parentheses and the implicit cast of a property used as a condition add one.
  uint32_t max_depth = 32;
};

}  // namespace berth::plugins::filter_sql
