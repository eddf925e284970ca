// Evaluation against messages: three-valued results, missing properties, Java's conversions
// and their errors, TAGS and KEYS, and every operator.
#include "sql_fixture.hpp"

namespace berth::plugins::filter_sql::test {
namespace {

TEST(evaluator, equality_compares_strings_as_strings) {
  EXPECT_EQ(verdict("a = 'x'", {{"a", "x"}}), "TRUE");
  EXPECT_EQ(verdict("a = 'x'", {{"a", "X"}}), "FALSE");
  EXPECT_EQ(verdict("'x' = a", {{"a", "x"}}), "TRUE");
  EXPECT_EQ(verdict("a <> 'x'", {{"a", "y"}}), "TRUE");
  EXPECT_EQ(verdict("a <> 'x'", {{"a", "x"}}), "FALSE");
  EXPECT_EQ(verdict("a = b", {{"a", "1.0"}, {"b", "1"}}), "FALSE");  // strings, not numbers
  EXPECT_EQ(verdict("a = b", {{"a", "q"}, {"b", "q"}}), "TRUE");
  EXPECT_EQ(verdict("a = ''", {{"a", ""}}), "TRUE");  // present but empty is not missing
}

TEST(evaluator, a_null_operand_makes_a_comparison_null) {
  for (const char* e : {"a = 'x'", "'x' = a", "a <> 'x'", "a = b", "a > 1", "1 < a",
                        "a BETWEEN 1 AND 2", "a NOT BETWEEN 1 AND 2", "a = TRUE"}) {
    EXPECT_EQ(verdict(e, {{"b", "x"}}), "NULL") << e;
  }
  EXPECT_EQ(verdict("a = b"), "NULL");  // two missing properties are not equal
}

TEST(evaluator, is_null_tests_presence) {
  EXPECT_EQ(verdict("a IS NULL"), "TRUE");
  EXPECT_EQ(verdict("a IS NULL", {{"a", ""}}), "FALSE");
  EXPECT_EQ(verdict("a IS NOT NULL", {{"a", "1"}}), "TRUE");
  EXPECT_EQ(verdict("a IS NOT NULL"), "FALSE");
  EXPECT_EQ(verdict("(a = 'x') IS NULL"), "TRUE");
  EXPECT_EQ(verdict("TAGS IS NULL", test_message{}.tags("")), "TRUE");
}

TEST(evaluator, numbers_convert_the_property_to_the_literal_type) {
  EXPECT_EQ(verdict("a = 5", {{"a", "5"}}), "TRUE");
  EXPECT_EQ(verdict("a = 5", {{"a", "+05"}}), "TRUE");
  EXPECT_EQ(verdict("a > 5", {{"a", "6"}}), "TRUE");
  EXPECT_EQ(verdict("a >= 5", {{"a", "5"}}), "TRUE");
  EXPECT_EQ(verdict("a < 5", {{"a", "-6"}}), "TRUE");
  EXPECT_EQ(verdict("a <= 5", {{"a", "6"}}), "FALSE");
  EXPECT_EQ(verdict("5 < a", {{"a", "6"}}), "TRUE");
  EXPECT_EQ(verdict("a > 3000000000", {{"a", "3000000001"}}), "TRUE");
  EXPECT_EQ(verdict("a = 1.5", {{"a", " 1.5e0 "}}), "TRUE");  // Double.valueOf trims
  EXPECT_EQ(verdict("a > 1.5", {{"a", "NaN"}}), "TRUE");      // NaN is the greatest
  EXPECT_EQ(verdict("a < 0.0", {{"a", "-0.0"}}), "TRUE");     // and -0.0 is below 0.0
  EXPECT_EQ(verdict("a = 2.0", {{"a", "2f"}}), "TRUE");
}

TEST(evaluator, a_failed_conversion_is_an_error) {
  EXPECT_EQ(verdict("a = 5", {{"a", "five"}}), "ERROR");
  EXPECT_EQ(verdict("a = 5", {{"a", " 5"}}), "ERROR");           // Integer.valueOf: no spaces
  EXPECT_EQ(verdict("a > 5", {{"a", "1.5"}}), "ERROR");          // not an int
  EXPECT_EQ(verdict("a > 5", {{"a", "3000000000"}}), "ERROR");   // not within an int
  EXPECT_EQ(verdict("a > 5000000000", {{"a", "1.5"}}), "ERROR"); // not a long
  EXPECT_EQ(verdict("a > 1.5", {{"a", "x"}}), "ERROR");
  EXPECT_EQ(verdict("a > b", {{"a", "1"}, {"b", "x"}}), "ERROR");
  EXPECT_EQ(verdict("a BETWEEN 1 AND 5", {{"a", "x"}}), "ERROR");
  // An error reaches the top through NOT, AND and OR ...
  EXPECT_EQ(verdict("NOT (a = 5)", {{"a", "x"}}), "ERROR");
  EXPECT_EQ(verdict("b IS NULL AND a = 5", {{"a", "x"}}), "ERROR");
  EXPECT_EQ(verdict("b = 'y' OR a = 5", {{"a", "x"}}), "ERROR");
  // ... unless AND or OR decided before reaching it, as RocketMQ's left-to-right evaluation.
  EXPECT_EQ(verdict("b = 'y' AND a = 5", {{"a", "x"}, {"b", "z"}}), "FALSE");
  EXPECT_EQ(verdict("b = 'z' OR a = 5", {{"a", "x"}, {"b", "z"}}), "TRUE");
}

TEST(evaluator, two_properties_order_as_doubles) {
  EXPECT_EQ(verdict("a > b", {{"a", "10"}, {"b", "9"}}), "TRUE");  // not as strings
  EXPECT_EQ(verdict("a <= b", {{"a", "1e1"}, {"b", "10"}}), "TRUE");
  EXPECT_EQ(verdict("a < b", {{"a", "abc"}, {"b", "abd"}}), "ERROR");
}

TEST(evaluator, numbers_widen_as_in_java) {
  EXPECT_EQ(verdict("1 = 1L"), "TRUE");
  EXPECT_EQ(verdict("1 = 1.0"), "TRUE");
  EXPECT_EQ(verdict("3000000000 > 1"), "TRUE");
  EXPECT_EQ(verdict("3000000000 < 3000000000.5"), "TRUE");
  EXPECT_EQ(verdict("-1 < -0.5"), "TRUE");
  EXPECT_EQ(verdict("a BETWEEN 1 AND 2.5", {{"a", "2"}}), "TRUE");
}

TEST(evaluator, booleans_read_true_in_any_case) {
  EXPECT_EQ(verdict("a = TRUE", {{"a", "TRUE"}}), "TRUE");
  EXPECT_EQ(verdict("a = TRUE", {{"a", "tRuE"}}), "TRUE");
  EXPECT_EQ(verdict("a = TRUE", {{"a", "yes"}}), "FALSE");
  EXPECT_EQ(verdict("a = FALSE", {{"a", "anything"}}), "TRUE");
  EXPECT_EQ(verdict("TRUE = a", {{"a", "true"}}), "TRUE");  // RocketMQ throws here
  EXPECT_EQ(verdict("a <> TRUE", {{"a", "true"}}), "FALSE");
  EXPECT_EQ(verdict("(a = 'x') = TRUE", {{"a", "x"}}), "TRUE");
  EXPECT_EQ(verdict("(a = 'x') = 'true'", {{"a", "x"}}), "TRUE");
}

TEST(evaluator, types_without_a_conversion_compare_as_less) {
  EXPECT_EQ(verdict("(a = 'x') = 1", {{"a", "x"}}), "FALSE");
  EXPECT_EQ(verdict("(a = 'x') <> 1", {{"a", "x"}}), "TRUE");
  EXPECT_EQ(verdict("1 = (a = 'x')", {{"a", "x"}}), "FALSE");
}

TEST(evaluator, between_and_not_between) {
  EXPECT_EQ(verdict("a BETWEEN 1 AND 5", {{"a", "1"}}), "TRUE");
  EXPECT_EQ(verdict("a BETWEEN 1 AND 5", {{"a", "5"}}), "TRUE");
  EXPECT_EQ(verdict("a BETWEEN 1 AND 5", {{"a", "6"}}), "FALSE");
  EXPECT_EQ(verdict("a BETWEEN 1 AND 5", {{"a", "0"}}), "FALSE");
  EXPECT_EQ(verdict("a NOT BETWEEN 1 AND 5", {{"a", "0"}}), "TRUE");
  EXPECT_EQ(verdict("a NOT BETWEEN 1 AND 5", {{"a", "6"}}), "TRUE");
  EXPECT_EQ(verdict("a NOT BETWEEN 1 AND 5", {{"a", "3"}}), "FALSE");
  EXPECT_EQ(verdict("a BETWEEN -5 AND -1", {{"a", "-3"}}), "TRUE");
  EXPECT_EQ(verdict("a BETWEEN lo AND hi", {{"a", "3"}, {"lo", "1"}, {"hi", "5"}}), "TRUE");
  // A missing bound: NULL unless the other side already decides.
  EXPECT_EQ(verdict("a BETWEEN lo AND 5", {{"a", "3"}}), "NULL");
  EXPECT_EQ(verdict("a BETWEEN lo AND 5", {{"a", "9"}}), "FALSE");
  EXPECT_EQ(verdict("a NOT BETWEEN lo AND 5", {{"a", "9"}}), "TRUE");
  EXPECT_EQ(verdict("a NOT BETWEEN lo AND 5", {{"a", "3"}}), "NULL");
}

TEST(evaluator, in_and_not_in) {
  EXPECT_EQ(verdict("a IN ('x', 'y')", {{"a", "y"}}), "TRUE");
  EXPECT_EQ(verdict("a IN ('x', 'y')", {{"a", "z"}}), "FALSE");
  EXPECT_EQ(verdict("a NOT IN ('x', 'y')", {{"a", "z"}}), "TRUE");
  EXPECT_EQ(verdict("a NOT IN ('x', 'y')", {{"a", "x"}}), "FALSE");
  EXPECT_EQ(verdict("a IN ('x')"), "NULL");
  EXPECT_EQ(verdict("a NOT IN ('x')"), "NULL");
  EXPECT_EQ(verdict("a IN ('')", {{"a", ""}}), "TRUE");
  EXPECT_EQ(verdict("a IN ('1','2','3','4','5','6','7','8','9','10')", {{"a", "7"}}), "TRUE");
  EXPECT_EQ(verdict("a IN ('1','2','3','4','5','6','7','8','9','10')", {{"a", "07"}}), "FALSE");
}

TEST(evaluator, contains_startswith_endswith) {
  const test_message m{{"a", "hello world"}};
  EXPECT_EQ(verdict("a CONTAINS 'o w'", m), "TRUE");
  EXPECT_EQ(verdict("a CONTAINS 'xyz'", m), "FALSE");
  EXPECT_EQ(verdict("a NOT CONTAINS 'xyz'", m), "TRUE");
  EXPECT_EQ(verdict("a NOT CONTAINS 'world'", m), "FALSE");
  EXPECT_EQ(verdict("a STARTSWITH 'hell'", m), "TRUE");
  EXPECT_EQ(verdict("a STARTSWITH 'world'", m), "FALSE");
  EXPECT_EQ(verdict("a NOT STARTSWITH 'world'", m), "TRUE");
  EXPECT_EQ(verdict("a ENDSWITH 'world'", m), "TRUE");
  EXPECT_EQ(verdict("a NOT ENDSWITH 'world'", m), "FALSE");
  EXPECT_EQ(verdict("a CONTAINS 'it''s'", {{"a", "it's"}}), "TRUE");
  // Missing values and empty search strings are FALSE in every form.
  for (const char* e : {"a CONTAINS 'x'", "a NOT CONTAINS 'x'", "a STARTSWITH 'x'",
                        "a NOT STARTSWITH 'x'", "a ENDSWITH 'x'", "a NOT ENDSWITH 'x'"}) {
    EXPECT_EQ(verdict(e), "FALSE") << e;
  }
  for (const char* e : {"a CONTAINS ''", "a NOT CONTAINS ''", "a STARTSWITH ''",
                        "a NOT ENDSWITH ''"}) {
    EXPECT_EQ(verdict(e, m), "FALSE") << e;
  }
  EXPECT_EQ(verdict("(a = 'x') CONTAINS 'T'", {{"a", "x"}}), "FALSE");  // not a string
  EXPECT_EQ(verdict("5 NOT CONTAINS '5'"), "FALSE");
}

TEST(evaluator, a_bare_property_is_null_when_missing_and_false_otherwise) {
  EXPECT_EQ(verdict("flag"), "NULL");
  EXPECT_EQ(verdict("flag", {{"flag", "true"}}), "FALSE");
  EXPECT_EQ(verdict("NOT flag", {{"flag", "true"}}), "TRUE");
  EXPECT_EQ(verdict("NOT flag"), "NULL");
}

TEST(evaluator, tags_and_keys_are_missing_when_empty) {
  EXPECT_EQ(verdict("TAGS = 'a'", test_message{}.tags("a")), "TRUE");
  EXPECT_EQ(verdict("TAGS = 'a'", test_message{}.tags("b")), "FALSE");
  EXPECT_EQ(verdict("TAGS = 'a'"), "NULL");
  EXPECT_EQ(verdict("TAGS IN ('a', 'b')", test_message{}.tags("b")), "TRUE");
  EXPECT_EQ(verdict("KEYS CONTAINS 'k2'", test_message{}.keys("k1 k2")), "TRUE");
  EXPECT_EQ(verdict("KEYS IS NULL"), "TRUE");
  // Names are case-sensitive: tags is a user property.
  EXPECT_EQ(verdict("tags = 'a'", test_message{{"tags", "a"}}.tags("b")), "TRUE");
  EXPECT_EQ(verdict("TAGS = 'a'", test_message{{"TAGS", "a"}}), "NULL");
}

TEST(evaluator, property_names_are_case_sensitive_and_the_first_one_wins) {
  EXPECT_EQ(verdict("Color = 'red'", {{"color", "red"}}), "NULL");
  EXPECT_EQ(verdict("a = '1'", {{"a", "1"}, {"a", "2"}}), "TRUE");
}

// AND, OR and NOT over TRUE, FALSE and NULL (SQL's three-valued logic).
struct truth_case {
  const char* left;
  const char* right;
  const char* and_result;
  const char* or_result;
};

TEST(evaluator, and_or_not_truth_tables) {
  const truth_case cases[] = {
      {"TRUE", "TRUE", "TRUE", "TRUE"},    {"TRUE", "FALSE", "FALSE", "TRUE"},
      {"TRUE", "NULL", "NULL", "TRUE"},    {"FALSE", "TRUE", "FALSE", "TRUE"},
      {"FALSE", "FALSE", "FALSE", "FALSE"}, {"FALSE", "NULL", "FALSE", "NULL"},
      {"NULL", "TRUE", "NULL", "TRUE"},    {"NULL", "FALSE", "FALSE", "NULL"},
      {"NULL", "NULL", "NULL", "NULL"},
  };
  for (const truth_case& c : cases) {
    const std::string l = c.left;
    const std::string r = c.right;
    EXPECT_EQ(verdict(l + " AND " + r), c.and_result) << l << " AND " << r;
    EXPECT_EQ(verdict(l + " OR " + r), c.or_result) << l << " OR " << r;
  }
  EXPECT_EQ(verdict("NOT TRUE"), "FALSE");
  EXPECT_EQ(verdict("NOT FALSE"), "TRUE");
  EXPECT_EQ(verdict("NOT NULL"), "NULL");
  // The same through properties, and through n-ary chains.
  EXPECT_EQ(verdict("a = '1' AND b = '2'", {{"a", "1"}}), "NULL");
  EXPECT_EQ(verdict("a = '1' OR b = '2'", {{"a", "1"}}), "TRUE");
  EXPECT_EQ(verdict("x IS NULL AND y IS NULL AND z = 'q'"), "NULL");
  EXPECT_EQ(verdict("x = 'a' OR y = 'b' OR z IS NULL"), "TRUE");
  EXPECT_EQ(verdict("NOT (a <> 'x')"), "NULL");
}

}  // namespace
}  // namespace berth::plugins::filter_sql::test
