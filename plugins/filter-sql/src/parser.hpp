// Compiles an expression of RocketMQ's SQL92 selector grammar into a program:
//
//   filter     := or                         (must be a condition)
//   or         := and (OR and)*              (flattened into one n-ary node)
//   and        := equality (AND equality)*   (flattened too)
//   equality   := comparison (= comparison | <> comparison | IS [NOT] NULL)*
//   comparison := unary (> unary | >= unary | < unary | <= unary
//                       | [NOT] BETWEEN unary AND unary | [NOT] IN (string, ...)
//                       | [NOT] CONTAINS string | [NOT] STARTSWITH string
//                       | [NOT] ENDSWITH string)*
//   unary      := + unary | - unary | NOT unary | primary
//   primary    := literal | identifier | ( or )
//
// Throws sdk::plugin_error(BERTH_E_INVALID, "col N: ...") for anything it refuses.
#pragma once

#include "compile_limits.hpp"
#include "program.hpp"

#include <string_view>

namespace berth::plugins::filter_sql {

[[nodiscard]] program compile_expression(std::string_view text, const compile_limits& limits);

}  // namespace berth::plugins::filter_sql
