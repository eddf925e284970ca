// The compile-time refusals of RocketMQ's ComparisonExpression and SelectorParser, applied to
// operands as they are parsed. Each throws "col N: ..." pointing at the offending operand.
#pragma once

#include "operand.hpp"
#include "program.hpp"

#include <string_view>

namespace berth::plugins::filter_sql {

// AND, OR, NOT and the whole filter take conditions; a property is one too (it is cast).
void check_condition(const operand& o, std::string_view needed_by);

// > >= < <= and BETWEEN order numbers and properties only.
void check_orderable(const operand& o, std::string_view op);

// = and <> refuse NULL (IS NULL is the way) and a boolean literal against another literal.
void check_equatable(const operand& left, const operand& right, std::string_view op);

// Constant BETWEEN bounds must not be reversed.
void check_between_bounds(const program& compiled, const operand& low, const operand& high,
                          std::string_view op);

// IN and NOT IN test a property.
void check_in_subject(const operand& subject, std::string_view op);

// Unary + and - apply to number literals.
void check_signed(const operand& o, std::string_view op);

}  // namespace berth::plugins::filter_sql
