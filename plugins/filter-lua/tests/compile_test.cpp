// What compile() refuses and how it says so; results that are not booleans.
#include "filter_fixture.hpp"

namespace berth::plugins::filter_lua::test {
namespace {

using compile_test = filter_fixture;

TEST_F(compile_test, a_syntax_error_carries_the_column_of_its_line_and_luas_text) {
  EXPECT_EQ(compile_error("return function(m)\n  return m.tag ==\nend"),
            "col 38: line 3: unexpected symbol near 'end'");
  EXPECT_EQ(compile_error("return function(m) return m.tag = 'x' end"),
            "col 1: line 1: 'end' expected near '='");
}

TEST_F(compile_test, a_runtime_error_at_the_top_level_carries_its_line) {
  EXPECT_EQ(compile_error("local t = nil\nlocal x = t.field\nreturn function(m) end"),
            "col 15: line 2: attempt to index a nil value (local 't')");
  EXPECT_EQ(compile_error("error({})"), "col 1: error object is a table value");
}

TEST_F(compile_test, a_chunk_that_returns_no_function_is_refused) {
  for (const char* script : {"", "return 1", "return true", "local f = function(m) end",
                             "return {}", "-- a comment"}) {
    EXPECT_EQ(compile_error(script), "col 1: the script must return a function(msg)") << script;
  }
}

TEST_F(compile_test, a_script_over_max_script_bytes_is_refused) {
  host_.set_size("max_script_bytes", 64);
  const std::string fits = "return function(m) return m.tag == 'a' end";
  EXPECT_FALSE(compile_error(fits).has_value());
  const std::string big = fits + std::string(64 - fits.size() + 1, ' ');
  EXPECT_EQ(compile_error(big), "col 65: the script is 65 bytes, over max_script_bytes (64)");
}

TEST_F(compile_test, a_result_other_than_a_boolean_or_nil_is_a_counted_error) {
  const auto expr = compile(R"(
    return function(m)
      if m.tag == "n" then return 1 elseif m.tag == "s" then return "yes"
      elseif m.tag == "t" then return {} end
      return true
    end)");
  EXPECT_FALSE(matches(*expr, tagged("n")));
  EXPECT_FALSE(matches(*expr, tagged("s")));
  EXPECT_FALSE(matches(*expr, tagged("t")));
  EXPECT_TRUE(matches(*expr, tagged("b")));
  EXPECT_EQ(errors(), 3);
  EXPECT_EQ(host_.metric("lua_filter_runtime_errors_total"), 3);
  const auto logs = host_.logs();
  ASSERT_FALSE(logs.empty());
  EXPECT_NE(logs.front().find("the function returned a number value: return true or false"),
            std::string::npos)
      << logs.front();
}

TEST_F(compile_test, a_runtime_error_in_the_function_is_logged_with_its_line) {
  const auto expr = compile("return function(m)\n  return m.tag:upper() == 'A'\nend");
  EXPECT_FALSE(matches(*expr, test_message{}));  // untagged: m.tag is nil
  ASSERT_EQ(host_.logs().size(), 1u);
  EXPECT_EQ(host_.logs().front(),
            std::to_string(BERTH_LOG_WARN) +
                " lua filter script \"return function(m) return m.tag:upper() == 'A' e...\": "
                "runtime error: line 2: attempt to index a nil value (field 'tag') (counted as "
                "no match)");
}

}  // namespace
}  // namespace berth::plugins::filter_lua::test
