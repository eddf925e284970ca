// The plugin through its ABI table: compile errors as status + message, match verdicts,
// counters, configured limits and the tag-hash fast path.
#include "plugin_fixture.hpp"

namespace berth::plugins::filter_sql::test {
namespace {

TEST_F(plugin_fixture, compile_errors_cross_the_abi_with_their_column) {
  EXPECT_FALSE(compile("a > "));
  EXPECT_EQ(last_error_, "col 5: expected an expression after '>'");
  EXPECT_FALSE(compile("a = 'x"));
  EXPECT_EQ(last_error_, "col 5: unterminated string literal");
  EXPECT_TRUE(compile("a = 'x'"));
  EXPECT_EQ(last_error_, "");
}

TEST_F(plugin_fixture, only_true_matches_and_errors_are_counted) {
  const auto e = compile("a > 5");
  ASSERT_TRUE(e);
  EXPECT_EQ(match(e, {{"a", "6"}}), 1);
  EXPECT_EQ(match(e, {{"a", "4"}}), 0);
  EXPECT_EQ(match(e, {}), 0);                // NULL
  EXPECT_EQ(match(e, {{"a", "six"}}), 0);    // ERROR: no match, no exception
  EXPECT_EQ(host_.metric("sql_filter_evaluations_total"), 4);
  EXPECT_EQ(host_.metric("sql_filter_errors_total"), 1);
}

TEST_F(plugin_fixture, configured_limits_apply) {
  host_.set_size("max_expression_bytes", 8);
  host_.set_int("max_depth", 3);
  create();
  EXPECT_TRUE(compile("(a = 1)"));
  EXPECT_FALSE(compile("a = 'abcd'"));
  EXPECT_EQ(last_error_, "col 9: expression is longer than max_expression_bytes (8)");
  EXPECT_FALSE(compile("((a=1))"));
  EXPECT_EQ(last_error_, "col 1: expression nested deeper than max_depth (3)");
}

TEST_F(plugin_fixture, the_tag_hash_rules_out_other_tags_for_tag_only_expressions) {
  const auto equal = compile("TAGS = 'a'");
  EXPECT_EQ(tag_hash(equal, "a"), -1);  // a hash match is still undecided: hashes collide
  EXPECT_EQ(tag_hash(equal, "b"), 0);
  EXPECT_EQ(tag_hash(equal, ""), 0);    // no tag: TAGS is NULL
  const auto reversed = compile("'a' = TAGS");
  EXPECT_EQ(tag_hash(reversed, "b"), 0);
  EXPECT_EQ(tag_hash(reversed, "a"), -1);
  const auto in = compile("TAGS IN ('a', 'b')");
  EXPECT_EQ(tag_hash(in, "a"), -1);
  EXPECT_EQ(tag_hash(in, "b"), -1);
  EXPECT_EQ(tag_hash(in, "c"), 0);
  EXPECT_EQ(tag_hash(in, ""), 0);
  for (const char* undecided : {"TAGS <> 'a'", "TAGS NOT IN ('a')", "TAGS = 'a' OR b = '1'",
                                "NOT (TAGS = 'a')", "TAGS IS NULL", "a = 'x'"}) {
    const auto e = compile(undecided);
    EXPECT_EQ(tag_hash(e, "z"), -1) << undecided;
    EXPECT_EQ(tag_hash(e, ""), -1) << undecided;
  }
}

TEST_F(plugin_fixture, the_tag_hash_verdict_agrees_with_match) {
  const auto e = compile("TAGS IN ('a', 'b')");
  for (const char* tag : {"", "a", "b", "c"}) {
    const int32_t fast = tag_hash(e, tag);
    const int32_t slow = match(e, test_message{}.tags(tag));
    if (fast == 0) {
      EXPECT_EQ(slow, 0) << tag;
    }
  }
}

}  // namespace
}  // namespace berth::plugins::filter_sql::test
