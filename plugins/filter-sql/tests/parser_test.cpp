// What the parser builds (precedence, flattening, folding) and what it refuses, with columns.
#include "sql_fixture.hpp"

#include <string>

namespace berth::plugins::filter_sql::test {
namespace {

TEST(parser, builds_every_comparison) {
  EXPECT_EQ(parsed("a = 'x'"), "(= a 'x')");
  EXPECT_EQ(parsed("a <> 'x'"), "(<> a 'x')");
  EXPECT_EQ(parsed("a > 1"), "(> a 1)");
  EXPECT_EQ(parsed("a >= 1.5"), "(>= a 1.5D)");
  EXPECT_EQ(parsed("a < 3000000000"), "(< a 3000000000L)");
  EXPECT_EQ(parsed("a <= 7L"), "(<= a 7)");
  EXPECT_EQ(parsed("a IS NULL"), "(is-null a)");
  EXPECT_EQ(parsed("a is not null"), "(is-not-null a)");
  EXPECT_EQ(parsed("a BETWEEN 1 AND 5"), "(between a 1 5)");
  EXPECT_EQ(parsed("a NOT BETWEEN 1 AND 5"), "(not-between a 1 5)");
  EXPECT_EQ(parsed("a IN ('y', 'x', 'y')"), "(in a 'x' 'y')");
  EXPECT_EQ(parsed("a NOT IN ('x')"), "(not-in a 'x')");
  EXPECT_EQ(parsed("a CONTAINS 'x'"), "(contains a 'x')");
  EXPECT_EQ(parsed("a NOT CONTAINS 'x'"), "(not-contains a 'x')");
  EXPECT_EQ(parsed("a STARTSWITH 'x'"), "(startswith a 'x')");
  EXPECT_EQ(parsed("a NOT STARTSWITH 'x'"), "(not-startswith a 'x')");
  EXPECT_EQ(parsed("a ENDSWITH 'x'"), "(endswith a 'x')");
  EXPECT_EQ(parsed("a NOT ENDSWITH 'x'"), "(not-endswith a 'x')");
  EXPECT_EQ(parsed("TAGS = 'x' AND KEYS = 'k'"), "(and (= TAGS 'x') (= KEYS 'k'))");
}

TEST(parser, or_binds_looser_than_and_and_and_looser_than_comparisons) {
  EXPECT_EQ(parsed("a = 1 OR b = 2 AND c = 3"), "(or (= a 1) (and (= b 2) (= c 3)))");
  EXPECT_EQ(parsed("a = 1 AND b = 2 OR c = 3"), "(or (and (= a 1) (= b 2)) (= c 3))");
  EXPECT_EQ(parsed("(a = 1 OR b = 2) AND c = 3"), "(and (or (= a 1) (= b 2)) (= c 3))");
  // equality is looser than comparison: (a > 1) = TRUE
  EXPECT_EQ(parsed("a > 1 = TRUE"), "(= (> a 1) TRUE)");
  EXPECT_EQ(parsed("a = 1 IS NULL"), "(is-null (= a 1))");
}

TEST(parser, not_binds_tighter_than_comparisons) {
  EXPECT_EQ(parsed("NOT a = 'x'"), "(= (not (cast a)) 'x')");
  EXPECT_EQ(parsed("NOT (a = 'x')"), "(not (= a 'x'))");
  EXPECT_EQ(parsed("NOT NOT a"), "(not (not (cast a)))");
  EXPECT_EQ(parsed("NOT a IN ('x')"), "error: col 1: IN needs a property on its left, not the condition NOT a");
}

TEST(parser, flattens_and_and_or_chains) {
  std::string long_or = "a = 0";
  for (int i = 1; i < 200; ++i) long_or += " OR a = " + std::to_string(i);
  const std::string text = parsed(long_or);
  EXPECT_EQ(text.rfind("(or (= a 0) (= a 1) ", 0), 0u) << text.substr(0, 60);
  EXPECT_EQ(parsed("a AND b AND c"), "(and (cast a) (cast b) (cast c))");
}

TEST(parser, folds_unary_signs_into_number_literals) {
  EXPECT_EQ(parsed("a > -5"), "(> a -5)");
  EXPECT_EQ(parsed("a > +5"), "(> a 5)");
  EXPECT_EQ(parsed("a > - -5"), "(> a 5)");
  EXPECT_EQ(parsed("a > -(1.5)"), "(> a -1.5D)");
  EXPECT_EQ(parsed("a > -2147483648"), "(> a -2147483648L)");  // Java: a negated long
  EXPECT_EQ(parsed("a > -9223372036854775807"), "(> a -9223372036854775807L)");
}

TEST(parser, reads_literals) {
  EXPECT_EQ(parsed("a = 2147483647"), "(= a 2147483647)");
  EXPECT_EQ(parsed("a = 2147483648"), "(= a 2147483648L)");
  EXPECT_EQ(parsed("a = 9223372036854775807L"), "(= a 9223372036854775807L)");
  EXPECT_EQ(parsed("a = .5"), "(= a 0.5D)");
  EXPECT_EQ(parsed("a = 5."), "(= a 5D)");
  EXPECT_EQ(parsed("a = 5E2"), "(= a 500D)");
  EXPECT_EQ(parsed("a = 0.0"), "(= a 0D)");
  EXPECT_EQ(parsed("a = 'it''s'"), "(= a 'it's')");
  EXPECT_EQ(parsed("a = ''"), "(= a '')");
  EXPECT_EQ(parsed("a = TRUE"), "(= a TRUE)");
  EXPECT_EQ(parsed("TRUE"), "TRUE");
  EXPECT_EQ(parsed("NULL"), "NULL");
  EXPECT_EQ(parsed("a"), "(cast a)");
  EXPECT_EQ(parsed("(a)"), "(cast a)");
}

TEST(parser, reads_keywords_in_any_case_and_skips_comments) {
  EXPECT_EQ(parsed("a = 1 and b between 1 AnD 2 or c Is NoT nUlL"),
            "(or (and (= a 1) (between b 1 2)) (is-not-null c))");
  EXPECT_EQ(parsed("-- leading comment\na /* the property */ = 1 -- trailing"), "(= a 1)");
}

TEST(parser, refuses_literals_beyond_their_type) {
  EXPECT_EQ(compile_error("a = 9223372036854775808"),
            "col 5: integer 9223372036854775808 does not fit in 64 bits");
  EXPECT_EQ(compile_error("a = 1e400"), "col 5: number 1e400 is out of the range of a double");
}

TEST(parser, refuses_ordering_of_strings_booleans_nulls_and_conditions) {
  EXPECT_EQ(compile_error("a > 1 AND b > 'x'"), "col 15: '>' cannot compare the string 'x'");
  EXPECT_EQ(compile_error("'x' < a"), "col 1: '<' cannot compare the string 'x'");
  EXPECT_EQ(compile_error("a >= TRUE"), "col 6: '>=' cannot compare TRUE");
  EXPECT_EQ(compile_error("a <= NULL"), "col 6: '<=' cannot compare NULL");
  EXPECT_EQ(compile_error("(a = 1) > 2"), "col 1: '>' cannot compare the condition (a = 1)");
  EXPECT_EQ(compile_error("a > 1 > 2"), "col 1: '>' cannot compare the condition a > 1");
  EXPECT_EQ(compile_error("a BETWEEN 'a' AND 'z'"), "col 11: BETWEEN cannot compare the string 'a'");
  EXPECT_EQ(compile_error("a NOT BETWEEN 1 AND FALSE"),
            "col 21: NOT BETWEEN cannot compare FALSE");
  EXPECT_EQ(compile_error("a BETWEEN NULL AND 5"), "col 11: BETWEEN cannot compare NULL");
  EXPECT_EQ(compile_error("TRUE BETWEEN 1 AND 2"), "col 1: BETWEEN cannot compare TRUE");
}

TEST(parser, refuses_equality_with_null_and_booleans_against_other_literals) {
  EXPECT_EQ(compile_error("a = NULL"), "col 5: '=' cannot compare with NULL: write IS NULL");
  EXPECT_EQ(compile_error("NULL <> a"), "col 1: '<>' cannot compare with NULL: write IS NOT NULL");
  EXPECT_EQ(compile_error("TRUE = 5"), "col 8: TRUE cannot be compared with the number 5");
  EXPECT_EQ(compile_error("'x' = FALSE"), "col 7: FALSE cannot be compared with the string 'x'");
  EXPECT_EQ(compile_error("TRUE = FALSE"), "compiled");
  EXPECT_EQ(compile_error("a = TRUE"), "compiled");
}

TEST(parser, refuses_reversed_between_bounds) {
  EXPECT_EQ(compile_error("a BETWEEN 10 AND 5"), "col 11: BETWEEN bounds are reversed: 10 is above 5");
  EXPECT_EQ(compile_error("a NOT BETWEEN 2.5 AND 2"),
            "col 15: NOT BETWEEN bounds are reversed: 2.5 is above 2");
  EXPECT_EQ(compile_error("a BETWEEN -1 AND -5"), "col 11: BETWEEN bounds are reversed: -1 is above -5");
  EXPECT_EQ(compile_error("a BETWEEN 5 AND 5"), "compiled");
  EXPECT_EQ(compile_error("a BETWEEN b AND 5"), "compiled");
}

TEST(parser, refuses_what_is_not_a_condition) {
  EXPECT_EQ(compile_error("5"), "col 1: the filter must be a condition, not the number 5");
  EXPECT_EQ(compile_error("'x'"), "col 1: the filter must be a condition, not the string 'x'");
  EXPECT_EQ(compile_error("-5"), "col 1: the filter must be a condition, not the number -5");
  EXPECT_EQ(compile_error("a = 1 AND 5"), "col 11: AND needs a condition on each side, not the number 5");
  EXPECT_EQ(compile_error("'x' OR a = 1"), "col 1: OR needs a condition on each side, not the string 'x'");
  EXPECT_EQ(compile_error("NOT 5"), "col 5: NOT needs a condition, not the number 5");
}

TEST(parser, refuses_in_without_a_property_and_signs_on_non_numbers) {
  EXPECT_EQ(compile_error("'x' IN ('x')"), "col 1: IN needs a property on its left, not the string 'x'");
  EXPECT_EQ(compile_error("5 NOT IN ('x')"), "col 1: NOT IN needs a property on its left, not the number 5");
  EXPECT_EQ(compile_error("(a) IN ('x')"), "compiled");
  EXPECT_EQ(compile_error("a IN (1)"), "col 7: expected a string in the IN list, found the number 1");
  EXPECT_EQ(compile_error("a IN ()"), "col 7: expected a string in the IN list, found ')'");
  EXPECT_EQ(compile_error("a IN ('x' 'y')"), "col 11: expected ',' or ')' in the IN list, found the string 'y'");
  EXPECT_EQ(compile_error("a IN 'x'"), "col 6: expected '(' after IN, found the string 'x'");
  EXPECT_EQ(compile_error("-a > 1"), "col 2: '-' applies to numbers only, not the property a");
  EXPECT_EQ(compile_error("a = +'x'"), "col 6: '+' applies to numbers only, not the string 'x'");
  EXPECT_EQ(compile_error("a CONTAINS b"), "col 12: expected a string after CONTAINS, found the property b");
}

TEST(parser, says_where_an_expression_is_missing_or_unexpected) {
  EXPECT_EQ(compile_error(""), "col 1: the expression is empty");
  EXPECT_EQ(compile_error("  -- only a comment"), "col 20: the expression is empty");
  EXPECT_EQ(compile_error("a > "), "col 5: expected an expression after '>'");
  EXPECT_EQ(compile_error("a = )"), "col 5: expected an expression after '=', found ')'");
  EXPECT_EQ(compile_error("a = 1 AND"), "col 10: expected an expression at the end");
  EXPECT_EQ(compile_error("(a = 1"), "col 7: expected ')' to close the '(' at col 1, found the end of the expression");
  EXPECT_EQ(compile_error("a = 1)"), "col 6: expected AND, OR or the end, found ')'");
  EXPECT_EQ(compile_error("a = 1 b = 2"), "col 7: expected AND, OR or the end, found the property b");
  EXPECT_EQ(compile_error("a IS 5"), "col 6: expected NULL or NOT NULL after IS, found the number 5");
  EXPECT_EQ(compile_error("a BETWEEN 1 OR 2"), "col 13: expected AND after the lower bound of BETWEEN, found 'OR'");
  EXPECT_EQ(compile_error("a NOT 5"), "col 3: expected AND, OR or the end, found 'NOT'");
}

TEST(parser, refuses_expressions_longer_than_the_limit) {
  compile_limits limits;
  limits.max_expression_bytes = 10;
  EXPECT_EQ(compile_error("a = 'abcd'", limits), "compiled");
  EXPECT_EQ(compile_error("a = 'abcde'", limits),
            "col 11: expression is longer than max_expression_bytes (10)");
}

TEST(parser, refuses_expressions_deeper_than_the_limit) {
  compile_limits limits;
  limits.max_depth = 4;
  EXPECT_EQ(compile_error("((a = 1))", limits), "compiled");  // = is 2, each () one more
  EXPECT_EQ(compile_error("(((a = 1)))", limits), "col 1: expression nested deeper than max_depth (4)");
  EXPECT_EQ(compile_error("NOT NOT NOT a", limits), "col 1: expression nested deeper than max_depth (4)");
  EXPECT_EQ(compile_error("NOT NOT a", limits), "compiled");
  EXPECT_EQ(compile_error("a > - -1", limits), "compiled");
  EXPECT_EQ(compile_error("a > - - -1", limits), "col 3: expression nested deeper than max_depth (4)");
  EXPECT_EQ(compile_error("a = 1 = TRUE = FALSE", limits), "compiled");
  EXPECT_EQ(compile_error("a = 1 = TRUE = FALSE = TRUE", limits),
            "col 22: expression nested deeper than max_depth (4)");
  // A long flat chain is shallow.
  std::string chain = "a = 0";
  for (int i = 1; i < 100; ++i) chain += " AND a = " + std::to_string(i);
  EXPECT_EQ(compile_error(chain, limits), "compiled");
}

TEST(parser, stops_deep_nesting_before_the_stack_grows) {
  const std::string open(100000, '(');
  compile_limits limits;
  limits.max_expression_bytes = 1 << 20;
  EXPECT_EQ(compile_error(open + "a" + std::string(100000, ')'), limits),
            "col 32: expression nested deeper than max_depth (32)");
  std::string nots;
  for (int i = 0; i < 50000; ++i) nots += "NOT ";
  EXPECT_EQ(compile_error(nots + "a", limits), "col 125: expression nested deeper than max_depth (32)");
}

}  // namespace
}  // namespace berth::plugins::filter_sql::test
