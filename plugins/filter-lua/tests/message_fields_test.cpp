// Scripts over every field of msg match exactly the messages they should.
#include "filter_fixture.hpp"

namespace berth::plugins::filter_lua::test {
namespace {

using message_fields_test = filter_fixture;

TEST_F(message_fields_test, a_tag_script_matches_its_tags_and_not_untagged_messages) {
  const auto expr = compile("return function(m) return m.tag == 'red' or m.tag == 'blue' end");
  EXPECT_TRUE(matches(*expr, tagged("red")));
  EXPECT_TRUE(matches(*expr, tagged("blue")));
  EXPECT_FALSE(matches(*expr, tagged("green")));
  EXPECT_FALSE(matches(*expr, tagged("")));
  EXPECT_EQ(errors(), 0);
}

TEST_F(message_fields_test, tag_and_keys_are_nil_when_empty) {
  const auto expr = compile("return function(m) return m.tag == nil and m.keys == nil end");
  EXPECT_TRUE(matches(*expr, test_message{}));
  EXPECT_FALSE(matches(*expr, tagged("a")));
  test_message keyed;
  keyed.keys = "k1";
  EXPECT_FALSE(matches(*expr, keyed));
}

TEST_F(message_fields_test, keys_are_the_space_separated_string) {
  const auto expr = compile(R"(
    return function(m)
      if m.keys == nil then return false end
      return string.find(" " .. m.keys .. " ", " order-7 ") ~= nil
    end)");
  test_message m;
  m.keys = "order-1 order-7 order-9";
  EXPECT_TRUE(matches(*expr, m));
  m.keys = "order-77";
  EXPECT_FALSE(matches(*expr, m));
  m.keys = "";
  EXPECT_FALSE(matches(*expr, m));
  EXPECT_EQ(errors(), 0);
}

TEST_F(message_fields_test, properties_read_by_name_and_nil_when_absent) {
  const auto expr = compile(R"(
    return function(m)
      local p = m.properties
      return p.region == "eu" and tonumber(p.priority or "0") >= 5
    end)");
  test_message m;
  m.properties = {{"region", "eu"}, {"priority", "7"}};
  EXPECT_TRUE(matches(*expr, m));
  m.properties = {{"region", "eu"}, {"priority", "2"}};
  EXPECT_FALSE(matches(*expr, m));
  m.properties = {{"region", "eu"}};
  EXPECT_FALSE(matches(*expr, m));
  m.properties = {{"region", "us"}, {"priority", "9"}};
  EXPECT_FALSE(matches(*expr, m));
  m.properties = {};
  EXPECT_FALSE(matches(*expr, m));
  EXPECT_EQ(errors(), 0);
}

TEST_F(message_fields_test, numbers_and_strings_of_the_other_fields) {
  const auto expr = compile(R"(
    return function(m)
      return m.topic == "orders" and m.body_size == 5 and m.queue_id == 3
         and m.queue_offset == 1234 and m.reconsume_times == 2
         and m.born_time_ms == 1700000000000 and m.store_time_ms == 1700000000042
         and m.message_id == "0A0000010000000000000042"
         and math.type(m.body_size) == "integer"
    end)");
  test_message m;
  m.body = "hello";
  m.queue_id = 3;
  m.queue_offset = 1234;
  m.reconsume_times = 2;
  m.born_time_ms = 1700000000000;
  m.store_time_ms = 1700000000042;
  EXPECT_TRUE(matches(*expr, m));
  for (auto change : {+[](test_message& c) { c.body = "hell"; },
                      +[](test_message& c) { c.topic = "other"; },
                      +[](test_message& c) { c.queue_id = 4; },
                      +[](test_message& c) { c.queue_offset = 1235; },
                      +[](test_message& c) { c.reconsume_times = 0; },
                      +[](test_message& c) { c.born_time_ms = 1; },
                      +[](test_message& c) { c.store_time_ms = 1; },
                      +[](test_message& c) { c.message_id = "X"; }}) {
    test_message changed = m;
    change(changed);
    EXPECT_FALSE(matches(*expr, changed));
  }
  EXPECT_EQ(errors(), 0);
}

TEST_F(message_fields_test, nil_and_false_do_not_match_true_does) {
  const auto expr = compile(R"(
    return function(m)
      if m.tag == "t" then return true elseif m.tag == "f" then return false end
    end)");
  EXPECT_TRUE(matches(*expr, tagged("t")));
  EXPECT_FALSE(matches(*expr, tagged("f")));
  EXPECT_FALSE(matches(*expr, tagged("n")));
  EXPECT_EQ(errors(), 0);
}

TEST_F(message_fields_test, string_methods_and_the_allowed_libraries_work) {
  const auto expr = compile(R"(
    local wanted = { "A", "B" }
    return function(m)
      local tag = m.tag:upper()
      for _, w in ipairs(wanted) do
        if tag:sub(1, 1) == w then
          return utf8.len(m.topic) == 6 and math.max(1, 2) == 2
             and table.concat({ "x", "y" }, ",") == "x,y"
             and select("#", 1, 2) == 2 and ("ab"):rep(2, "-") == "ab-ab"
             and string.find("a.b", ".", 1) == 2 and ("x"):find("y") == nil
             and string.format("%d-%s", 7, "z") == "7-z"
        end
      end
      return false
    end)");
  EXPECT_TRUE(matches(*expr, tagged("apple")));
  EXPECT_TRUE(matches(*expr, tagged("banana")));
  EXPECT_FALSE(matches(*expr, tagged("cherry")));
  EXPECT_EQ(errors(), 0);
}

TEST_F(message_fields_test, pcall_catches_the_scripts_own_errors) {
  const auto expr = compile(R"(
    return function(m)
      local ok, err = pcall(error, "nope")
      return not ok and err == "nope" and m.tag == "a"
    end)");
  EXPECT_TRUE(matches(*expr, tagged("a")));
  EXPECT_EQ(errors(), 0);
}

TEST_F(message_fields_test, msg_is_read_only_and_has_only_its_fields) {
  for (const char* body : {"m.tag = 'x'", "m.properties.region = 'x'", "local _ = m.nosuch",
                           "local _ = m[1]"}) {
    const auto expr = compile(std::string("return function(m) ") + body + " return true end");
    EXPECT_FALSE(matches(*expr, tagged("a"))) << body;
  }
  EXPECT_EQ(errors(), 4);
  EXPECT_EQ(host_.metric("lua_filter_runtime_errors_total"), 4);
}

TEST_F(message_fields_test, a_msg_kept_past_its_call_reads_the_current_message) {
  // The one userdata of a state is rebound per call; keeping it gives no stale view.
  const auto expr = compile(R"(
    local kept
    return function(m)
      kept = kept or m
      return kept.tag == "now"
    end)");
  EXPECT_FALSE(matches(*expr, tagged("before")));
  EXPECT_TRUE(matches(*expr, tagged("now")));
}

}  // namespace
}  // namespace berth::plugins::filter_lua::test
