// match() on one compiled expression from several threads at once, and compiled expressions
// that share nothing.
#include "filter_fixture.hpp"

#include <atomic>
#include <thread>

namespace berth::plugins::filter_lua::test {
namespace {

using concurrency_test = filter_fixture;

TEST_F(concurrency_test, several_threads_match_the_same_expression) {
  const auto expr = compile(R"(
    local seen = {}
    return function(m)
      seen[#seen + 1] = m.queue_offset   -- state of the state that runs the call
      if #seen > 100 then seen = {} end
      return m.queue_offset % 2 == 0
    end)");
  constexpr int kThreads = 4;
  constexpr int kCalls = 2000;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        test_message m;
        m.queue_offset = static_cast<uint64_t>(t * kCalls + i);
        if (matches(*expr, m) != (m.queue_offset % 2 == 0)) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(errors(), 0);
  const auto* script = dynamic_cast<const lua_script*>(expr.get());
  ASSERT_NE(script, nullptr);
  EXPECT_GE(script->idle_states_for_test(), 1u);
  EXPECT_LE(script->idle_states_for_test(), static_cast<size_t>(kThreads));
}

TEST_F(concurrency_test, errors_on_some_threads_do_not_disturb_the_others) {
  const auto expr = compile(R"(
    return function(m)
      if m.tag == "loop" then while true do end end
      return m.tag == "ok"
    end)");
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const bool looping = t == 0 && i % 10 == 0;
        if (matches(*expr, tagged(looping ? "loop" : "ok")) == looping) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(host_.metric("lua_filter_instruction_limit_errors_total"), 5);
}

TEST_F(concurrency_test, two_expressions_from_the_same_text_share_no_state) {
  const std::string script = R"(
    local stored = {}
    return function(m)
      if m.tag == "store" then stored[#stored + 1] = m.tag return true end
      return #stored == 0
    end)";
  const auto first = compile(script);
  const auto second = compile(script);
  EXPECT_TRUE(matches(*first, tagged("store")));
  EXPECT_FALSE(matches(*first, tagged("check")));   // first has stored something
  EXPECT_TRUE(matches(*second, tagged("check")));   // second has not
}

}  // namespace
}  // namespace berth::plugins::filter_lua::test
