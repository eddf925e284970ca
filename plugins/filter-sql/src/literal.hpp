// The values of literal tokens, as RocketMQ's ConstantExpression makes them: an integer is 32-bit
// when it fits and 64-bit otherwise; a float is a double; a string drops its quotes and turns
// '' into '. Throws a compile error for an integer beyond 64 bits or a float beyond a double.
#pragma once

#include "token.hpp"
#include "value.hpp"

#include <string>

namespace berth::plugins::filter_sql {

[[nodiscard]] value integer_literal(const token& t);
[[nodiscard]] value float_literal(const token& t);
[[nodiscard]] std::string string_literal(const token& t);

}  // namespace berth::plugins::filter_sql
