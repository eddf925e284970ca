// Tokens, comments, keywords in any case, literals, and the lexer's errors with their column.
#include "compile_error.hpp"
#include "lexer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace berth::plugins::filter_sql::test {
namespace {

std::vector<token_kind> kinds(std::string_view text) {
  std::vector<token_kind> out;
  for (const token& t : tokenize(text)) out.push_back(t.kind);
  return out;
}

std::string lex_error(std::string_view text) {
  try {
    (void)tokenize(text);
    return "tokenized";
  } catch (const sdk::plugin_error& e) {
    return e.what();
  }
}

using k = token_kind;

TEST(lexer, reads_every_operator_and_punctuation) {
  EXPECT_EQ(kinds("= <> < <= > >= ( ) , + -"),
            (std::vector<k>{k::equal, k::not_equal, k::less, k::less_equal, k::greater,
                            k::greater_equal, k::left_paren, k::right_paren, k::comma, k::plus,
                            k::minus, k::end}));
  EXPECT_EQ(kinds("a<>b"), (std::vector<k>{k::identifier, k::not_equal, k::identifier, k::end}));
}

TEST(lexer, keywords_take_any_case_and_identifiers_keep_theirs) {
  EXPECT_EQ(kinds("not And oR between In is TRUE false Null contains StartsWith ENDSWITH"),
            (std::vector<k>{k::kw_not, k::kw_and, k::kw_or, k::kw_between, k::kw_in, k::kw_is,
                            k::kw_true, k::kw_false, k::kw_null, k::kw_contains,
                            k::kw_startswith, k::kw_endswith, k::end}));
  const auto tokens = tokenize("Color notify $a _b1 TAGS");
  ASSERT_EQ(tokens.size(), 6u);
  EXPECT_EQ(tokens[0].text, "Color");
  EXPECT_EQ(tokens[1].kind, k::identifier);  // longest match: not the keyword NOT
  EXPECT_EQ(tokens[2].text, "$a");
  EXPECT_EQ(tokens[3].text, "_b1");
}

TEST(lexer, reads_integer_float_and_string_literals) {
  EXPECT_EQ(kinds("0 7 123L 99l"), (std::vector<k>{k::integer, k::integer, k::integer, k::integer, k::end}));
  EXPECT_EQ(kinds("1.5 .5 5. 5E10 5.5e-3 1e+2 007.5"),
            (std::vector<k>{k::floating, k::floating, k::floating, k::floating, k::floating,
                            k::floating, k::floating, k::end}));
  const auto tokens = tokenize("'it''s' ''");
  EXPECT_EQ(tokens[0].kind, k::string);
  EXPECT_EQ(tokens[0].text, "'it''s'");
  EXPECT_EQ(tokens[1].text, "''");
}

TEST(lexer, skips_line_and_block_comments) {
  EXPECT_EQ(kinds("a -- the rest\n= /* inline * / */ 1 -- at the end"),
            (std::vector<k>{k::identifier, k::equal, k::integer, k::end}));
  EXPECT_EQ(kinds("/**/a/***/"), (std::vector<k>{k::identifier, k::end}));
  EXPECT_EQ(kinds("a - -1"), (std::vector<k>{k::identifier, k::minus, k::minus, k::integer, k::end}));
}

TEST(lexer, columns_are_one_based_bytes) {
  const auto tokens = tokenize("a  >= 'x'");
  EXPECT_EQ(tokens[0].column, 1u);
  EXPECT_EQ(tokens[1].column, 4u);
  EXPECT_EQ(tokens[2].column, 7u);
  EXPECT_EQ(tokens[3].column, 10u);  // the end
}

TEST(lexer, reports_errors_at_their_column) {
  EXPECT_EQ(lex_error("'abc"), "col 1: unterminated string literal");
  EXPECT_EQ(lex_error("a = 'it''"), "col 5: unterminated string literal");
  EXPECT_EQ(lex_error("a /* b"), "col 3: unterminated comment: '/*' has no '*/'");
  EXPECT_EQ(lex_error("a != 1"), "col 3: unexpected '!=': write '<>' for not equal");
  EXPECT_EQ(lex_error("a = \"x\""), "col 5: unexpected '\"': string literals take single quotes");
  EXPECT_EQ(lex_error("a # 1"), "col 3: unexpected character '#'");
  EXPECT_EQ(lex_error("a = 5abc"), "col 5: malformed number '5abc'");
  EXPECT_EQ(lex_error("a = 1.2.3"), "col 5: malformed number '1.2.3'");
  EXPECT_EQ(lex_error("a = 07"), "col 5: malformed number '07': an integer cannot start with 0");
  EXPECT_EQ(lex_error("a.b = 1"), "col 2: unexpected character '.'");
  EXPECT_EQ(lex_error("\xC3\xA9 = 1"), "col 1: unexpected non-ASCII character");
  EXPECT_EQ(lex_error("a = '\xC3\xA9'"), "tokenized");
}

}  // namespace
}  // namespace berth::plugins::filter_sql::test
