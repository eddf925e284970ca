#include "json_line.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace berth::trace_topic {
namespace {

std::string escaped(std::string_view text) {
  std::string out;
  append_json_escaped(out, text);
  return out;
}

TEST(json_line, writes_an_object_that_parses_back) {
  std::string out;
  json_line j(out);
  j.field("name", "value");
  j.field("count", uint64_t{18'446'744'073'709'551'615ULL});
  j.field("signed", int64_t{-13});
  j.close();
  EXPECT_EQ(out, R"({"name":"value","count":18446744073709551615,"signed":-13})");
  const auto parsed = nlohmann::json::parse(out);
  EXPECT_EQ(parsed["signed"], -13);
}

TEST(json_line, escapes_quotes_backslashes_and_control_characters) {
  EXPECT_EQ(escaped("a\"b\\c"), R"(a\"b\\c)");
  EXPECT_EQ(escaped("line\nnext\ttab\r"), R"(line\nnext\ttab\r)");
  EXPECT_EQ(escaped(std::string_view("\x01\x1f", 2)), R"(\u0001\u001f)");
  EXPECT_EQ(escaped(std::string_view("nul\0x", 5)), R"(nul\u0000x)");
}

TEST(json_line, keeps_utf8_and_replaces_what_is_not) {
  EXPECT_EQ(escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\xa2"), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\xa2");
  EXPECT_EQ(escaped("bad\xff"), "bad\\ufffd");
  EXPECT_EQ(escaped("\xc3"), "\\ufffd");                 // cut short
  EXPECT_EQ(escaped("\xc0\xaf"), "\\ufffd\\ufffd");      // overlong
  EXPECT_EQ(escaped("\xed\xa0\x80"), "\\ufffd\\ufffd\\ufffd");  // a surrogate
  EXPECT_EQ(escaped("\xf4\x90\x80\x80"), "\\ufffd\\ufffd\\ufffd\\ufffd");  // above U+10FFFF
  std::string out;
  json_line j(out);
  j.field("tags", "\xfe\xff ok");
  j.close();
  EXPECT_EQ(nlohmann::json::parse(out)["tags"], "\xef\xbf\xbd\xef\xbf\xbd ok");
}

}  // namespace
}  // namespace berth::trace_topic
