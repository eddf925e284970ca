// Lua's messages turned into "line N: ..." and compile errors into "col N: line L: ...".
#include "error_text.hpp"

#include <gtest/gtest.h>

namespace berth::plugins::filter_lua::test {
namespace {

TEST(error_text_test, locate_splits_the_chunk_name_and_line) {
  const located_error e = locate("script:2: unexpected symbol near 'end'", "script");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.text, "unexpected symbol near 'end'");
  EXPECT_EQ(describe(e), "line 2: unexpected symbol near 'end'");
}

TEST(error_text_test, messages_without_a_position_are_kept_whole) {
  for (const char* message : {"not enough memory", "script: no line", "script:x: text",
                              "other:3: text", "script:3"}) {
    const located_error e = locate(message, "script");
    EXPECT_EQ(e.line, 0) << message;
    EXPECT_EQ(e.text, message);
    EXPECT_EQ(describe(e), message);
  }
}

TEST(error_text_test, column_of_line_counts_bytes_to_the_start_of_the_line) {
  EXPECT_EQ(column_of_line("abc\ndef\nghi", 1), 1u);
  EXPECT_EQ(column_of_line("abc\ndef\nghi", 2), 5u);
  EXPECT_EQ(column_of_line("abc\ndef\nghi", 3), 9u);
  EXPECT_EQ(column_of_line("abc\ndef", 0), 1u);
  EXPECT_EQ(column_of_line("abc\ndef", 9), 1u);
  // \r\n and \n\r are one break each, as Lua counts them; \n\n is two.
  EXPECT_EQ(column_of_line("a\r\nb\n\rc\n\nd", 2), 4u);
  EXPECT_EQ(column_of_line("a\r\nb\n\rc\n\nd", 3), 7u);
  EXPECT_EQ(column_of_line("a\r\nb\n\rc\n\nd", 5), 10u);
}

TEST(error_text_test, compile_error_text_names_column_and_line) {
  EXPECT_EQ(compile_error_text("return function(m)\n  return +\nend", {3, "unexpected symbol near 'end'"}),
            "col 31: line 3: unexpected symbol near 'end'");
  EXPECT_EQ(compile_error_text("x", {0, "boom"}), "col 1: boom");
}

}  // namespace
}  // namespace berth::plugins::filter_lua::test
