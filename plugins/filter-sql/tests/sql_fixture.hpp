// Shorthands for the parser and evaluator tests: compile an expression, read back its program
// or its error, evaluate it against a message as "TRUE", "FALSE", "NULL" or "ERROR".
#pragma once

#include "evaluator.hpp"
#include "parser.hpp"
#include "program_text.hpp"
#include "test_message.hpp"

#include <berth/plugin/error.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace berth::plugins::filter_sql::test {

// The program as text, or "error: <message>" when compile refused it.
inline std::string parsed(std::string_view expression, const compile_limits& limits = {}) {
  try {
    return to_text(compile_expression(expression, limits));
  } catch (const sdk::plugin_error& e) {
    EXPECT_EQ(e.status(), BERTH_E_INVALID);
    return std::string("error: ") + e.what();
  }
}

// The compile error's message, or "compiled" when there is none.
inline std::string compile_error(std::string_view expression, const compile_limits& limits = {}) {
  try {
    (void)compile_expression(expression, limits);
    return "compiled";
  } catch (const sdk::plugin_error& e) {
    EXPECT_EQ(e.status(), BERTH_E_INVALID);
    return e.what();
  }
}

inline std::string name_of(const value& v) {
  switch (v.type) {
    case value_type::boolean: return v.boolean ? "TRUE" : "FALSE";
    case value_type::null: return "NULL";
    case value_type::error: return "ERROR";
    default: return "NOT A CONDITION";
  }
}

// The expression's three-valued result for `message` (or the compile error).
inline std::string verdict(std::string_view expression, test_message message = {}) {
  try {
    const program compiled = compile_expression(expression, {});
    return name_of(evaluate(compiled, sdk::message(message.view())));
  } catch (const sdk::plugin_error& e) {
    return std::string("error: ") + e.what();
  }
}

}  // namespace berth::plugins::filter_sql::test
