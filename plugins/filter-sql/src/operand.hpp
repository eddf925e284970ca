// A parsed subexpression as the parser's checks see it: what it is (a constant, a property or
// a condition), where it was written and how deep it nests.
#pragma once

#include "value.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace berth::plugins::filter_sql {

enum class operand_kind : uint8_t {
  constant,   // a literal (after folding unary signs and parentheses)
  property,   // an identifier, TAGS and KEYS included, possibly in parentheses
  condition,  // a comparison, a logical operator, a cast property
};

struct operand {
  uint32_t node = 0;
  operand_kind kind = operand_kind::constant;
  value_type type = value_type::null;  // of a constant
  uint32_t column = 1;                 // of its first token
  uint32_t depth = 1;
  std::string_view source;             // as written, for error messages

  [[nodiscard]] bool is_constant(value_type t) const noexcept {
    return kind == operand_kind::constant && type == t;
  }
  // TRUE, FALSE and NULL are conditions too (RocketMQ's BooleanConstantExpression).
  [[nodiscard]] bool is_condition() const noexcept {
    return kind == operand_kind::condition || is_constant(value_type::boolean) ||
           is_constant(value_type::null);
  }
};

// How an error message names it: "the string 'x'", "the number 5", "TRUE", "NULL",
// "the property a", "the condition a = 1".
[[nodiscard]] std::string describe(const operand& o);

}  // namespace berth::plugins::filter_sql
