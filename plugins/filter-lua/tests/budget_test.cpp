// Runaway scripts end promptly as "no match", are counted, and leave the compiled expression
// answering correct messages afterwards.
#include "filter_fixture.hpp"

#include <chrono>

namespace berth::plugins::filter_lua::test {
namespace {

using namespace std::chrono_literals;

class budget_test : public filter_fixture {
 protected:
  // A script that misbehaves on tag "bomb" and otherwise matches tag "ok".
  std::unique_ptr<sdk::compiled_filter> bomb(const std::string& misbehaviour,
                                             const std::string& prelude = "") {
    return compile(prelude + "\nreturn function(m)\n  if m.tag == 'bomb' then\n" + misbehaviour +
                   "\n  end\n  return m.tag == 'ok'\nend");
  }

  // Sets off the bomb, then checks the expression still answers, and returns how long the
  // bomb took.
  std::chrono::milliseconds explode_then_check(const sdk::compiled_filter& expr) {
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(matches(expr, tagged("bomb")));
    const auto took =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    EXPECT_TRUE(matches(expr, tagged("ok")));
    EXPECT_FALSE(matches(expr, tagged("other")));
    return took;
  }

  int64_t instruction_errors() const { return host_.metric("lua_filter_instruction_limit_errors_total"); }
  int64_t memory_errors() const { return host_.metric("lua_filter_memory_limit_errors_total"); }
};

TEST_F(budget_test, an_infinite_loop_stops_at_the_instruction_limit) {
  const auto expr = bomb("while true do end");
  EXPECT_LT(explode_then_check(*expr), 2000ms);
  EXPECT_EQ(errors(), 1);
  EXPECT_EQ(instruction_errors(), 1);
  EXPECT_LT(explode_then_check(*expr), 2000ms);
  EXPECT_EQ(instruction_errors(), 2);
}

TEST_F(budget_test, pcall_cannot_catch_a_spent_budget) {
  const auto expr = bomb("while true do pcall(function() while true do end end) end");
  EXPECT_LT(explode_then_check(*expr), 2000ms);
  EXPECT_EQ(instruction_errors(), 1);
  const auto nested = bomb(
      "local function inner() while true do pcall(function() while true do end end) end end\n"
      "while true do pcall(inner) end");
  EXPECT_LT(explode_then_check(*nested), 2000ms);
  EXPECT_EQ(instruction_errors(), 2);
}

TEST_F(budget_test, an_infinite_loop_at_the_top_level_fails_compile) {
  const auto error = compile_error("local n = 0\nwhile true do n = n + 1 end\nreturn function(m) end");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(*error, "col 13: line 2: instruction budget of 100000 exceeded");
}

TEST_F(budget_test, a_huge_string_is_refused_by_the_memory_cap) {
  const auto expr = bomb("local s = string.rep('x', 1 << 30) return #s > 0");
  EXPECT_LT(explode_then_check(*expr), 2000ms);
  EXPECT_EQ(errors(), 1);
  EXPECT_EQ(memory_errors(), 1);
}

TEST_F(budget_test, pcall_cannot_catch_running_out_of_memory) {
  const auto expr = bomb("while true do pcall(string.rep, 'x', 1 << 30) end");
  EXPECT_LT(explode_then_check(*expr), 2000ms);
  EXPECT_EQ(memory_errors(), 1);
}

TEST_F(budget_test, a_table_growing_without_end_is_refused_by_the_memory_cap) {
  host_.set_int("instruction_limit", 100'000'000);  // memory must be what stops it
  const auto local_table = bomb("local t = {} while true do t[#t + 1] = #t end");
  EXPECT_LT(explode_then_check(*local_table), 5000ms);
  EXPECT_EQ(memory_errors(), 1);
}

TEST_F(budget_test, a_state_filled_by_an_upvalue_is_replaced_by_a_fresh_one) {
  host_.set_int("instruction_limit", 100'000'000);
  // The table outlives the call: after the failure the state is full, so it is thrown away.
  const auto expr = bomb("while true do kept[#kept + 1] = 'entry' .. #kept end", "local kept = {}");
  for (int i = 0; i < 3; ++i) EXPECT_LT(explode_then_check(*expr), 5000ms);
  EXPECT_EQ(memory_errors(), 3);
  EXPECT_EQ(errors(), 3);
}

TEST_F(budget_test, the_memory_cap_applies_to_the_top_level) {
  const auto error = compile_error("local s = string.rep('x', 1 << 30)\nreturn function(m) end");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(*error, "col 1: memory_limit of 1048576 bytes exceeded");
}

TEST_F(budget_test, a_smaller_instruction_limit_is_honoured) {
  host_.set_int("instruction_limit", 1000);
  const auto expr = compile(
      "return function(m) local n = 0 for i = 1, tonumber(m.tag) do n = n + i end return true end");
  EXPECT_TRUE(matches(*expr, tagged("10")));
  EXPECT_FALSE(matches(*expr, tagged("100000")));
  EXPECT_EQ(instruction_errors(), 1);
  EXPECT_TRUE(matches(*expr, tagged("10")));
}

}  // namespace
}  // namespace berth::plugins::filter_lua::test

namespace berth::plugins::filter_lua::test {
namespace {

TEST_F(budget_test, the_smallest_memory_limit_leaves_room_for_a_script) {
  host_.set_size("memory_limit", 64 << 10);
  const auto expr = compile("local t = {} return function(m) t = {m.tag} return t[1] == 'a' end");
  EXPECT_TRUE(matches(*expr, tagged("a")));
  const auto state = filter_state::create({"return function(m) end", "script", "s"},
                                          budgets{100000, 64 << 10});
  EXPECT_LT(state->memory_used(), size_t{32} << 10);
}

}  // namespace
}  // namespace berth::plugins::filter_lua::test

namespace berth::plugins::filter_lua::test {
namespace {

TEST_F(budget_test, runaway_recursion_ends_in_a_counted_error) {
  const auto plain = bomb("local function f(n) return 1 + f(n + 1) end return f(1)");
  EXPECT_LT(explode_then_check(*plain), 2000ms);
  const auto through_c = bomb(
      "local t = setmetatable({}, {__index = function(t, k) return t[k .. 'x'] end})\n"
      "return t.a");
  EXPECT_LT(explode_then_check(*through_c), 2000ms);
  EXPECT_EQ(errors(), 2);
}

TEST_F(budget_test, a_huge_error_message_is_cut_in_the_log) {
  const auto expr = bomb("error(string.rep('x', 100000))");
  EXPECT_LT(explode_then_check(*expr), 2000ms);
  ASSERT_EQ(host_.logs().size(), 1u);
  EXPECT_LT(host_.logs().front().size(), 1200u);
}

}  // namespace
}  // namespace berth::plugins::filter_lua::test
