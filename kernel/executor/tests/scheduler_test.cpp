#include "executor/scheduler.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace berth::kernel::executor {
namespace {

using namespace std::chrono_literals;

bool eventually(const std::function<bool()>& condition) {
  for (int i = 0; i < 1000; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return condition();
}

TEST(scheduler, runs_tasks_in_delay_order) {
  scheduler s(1);
  std::mutex m;
  std::vector<int> order;
  s.post(1, 40ms, [&] { std::lock_guard l(m); order.push_back(2); });
  s.post(1, 0ms, [&] { std::lock_guard l(m); order.push_back(1); });
  ASSERT_TRUE(eventually([&] { std::lock_guard l(m); return order.size() == 2; }));
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(scheduler, exactly_one_of_run_or_drop) {
  scheduler s(2);
  std::atomic<int> runs{0}, drops{0};
  std::vector<task_id> ids;
  for (int i = 0; i < 200; ++i) {
    ids.push_back(s.post(1, std::chrono::microseconds(i * 50), [&] { ++runs; }, [&] { ++drops; }));
  }
  int cancelled = 0;
  for (size_t i = 0; i < ids.size(); i += 2) cancelled += s.cancel(ids[i]) ? 1 : 0;
  s.shutdown();
  EXPECT_EQ(runs + drops, 200);
  EXPECT_GE(drops.load(), cancelled);
}

TEST(scheduler, retire_owner_waits_for_its_running_task) {
  scheduler s(2);
  std::atomic<bool> started{false}, finished{false};
  s.post(7, 0ms, [&] {
    started = true;
    std::this_thread::sleep_for(100ms);
    finished = true;
  });
  ASSERT_TRUE(eventually([&] { return started.load(); }));
  s.retire_owner(7);
  EXPECT_TRUE(finished.load());
}

TEST(scheduler, retire_owner_leaves_other_owners_alone) {
  scheduler s(1);
  std::atomic<int> mine{0}, theirs{0};
  s.post(1, 50ms, [&] { ++mine; }, [&] { --mine; });
  s.post(2, 50ms, [&] { ++theirs; });
  s.retire_owner(1);
  EXPECT_EQ(mine, -1);
  ASSERT_TRUE(eventually([&] { return theirs.load() == 1; }));
}

TEST(scheduler, post_after_shutdown_returns_zero_and_calls_nothing) {
  scheduler s(1);
  s.shutdown();
  bool called = false;
  EXPECT_EQ(s.post(1, 0ms, [&] { called = true; }, [&] { called = true; }), 0u);
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace berth::kernel::executor
