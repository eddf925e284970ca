// The tokens of RocketMQ's SQL92 selector grammar (SelectorParser.jj).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace berth::plugins::filter_sql {

enum class token_kind : uint8_t {
  end,  // after the last token
  identifier, integer, floating, string,
  // keywords, in any case
  kw_not, kw_and, kw_or, kw_between, kw_in, kw_is, kw_true, kw_false, kw_null,
  kw_contains, kw_startswith, kw_endswith,
  // punctuation
  equal, not_equal, less, less_equal, greater, greater_equal,
  left_paren, right_paren, comma, plus, minus,
};

struct token {
  token_kind kind = token_kind::end;
  std::string_view text;  // as written (a string literal with its quotes)
  uint32_t column = 1;    // 1-based byte column of its first byte
};

// How an error message names a token: "'>'", "AND", "the string 'x'", "the end".
[[nodiscard]] std::string describe(const token& t);

}  // namespace berth::plugins::filter_sql
