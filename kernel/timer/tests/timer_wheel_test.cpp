#include "timer/timer_wheel.hpp"

#include <gtest/gtest.h>

#include <random>

namespace berth::kernel::timer {
namespace {

using entry = timer_wheel::entry;
constexpr int64_t hour = 3'600'000;
constexpr int64_t start = 1'700'000'000'000 / hour * hour + 1234;  // 1.234 s into an hour

std::vector<uint64_t> offsets(const std::vector<entry>& es) {
  std::vector<uint64_t> out;
  for (const entry& e : es) out.push_back(e.offset);
  return out;
}

TEST(timer_wheel, an_entry_fires_at_its_millisecond_not_before) {
  timer_wheel w(start);
  w.add({start + 1500, 7});
  EXPECT_EQ(w.next_wake_ms(), start + 1500);
  EXPECT_TRUE(w.take_due(start + 1499).empty());
  EXPECT_EQ(w.size(), 1u);
  EXPECT_EQ(offsets(w.take_due(start + 1500)), std::vector<uint64_t>{7});
  EXPECT_TRUE(w.empty());
  EXPECT_FALSE(w.next_wake_ms());
}

TEST(timer_wheel, due_entries_come_out_earliest_first_whatever_the_order_added) {
  timer_wheel w(start);
  w.add({start + 3 * hour, 1});
  w.add({start + 500, 2});
  w.add({start + 2 * hour + 5, 3});
  w.add({start + 500, 0});
  w.add({start + 40, 4});
  EXPECT_EQ(offsets(w.take_due(start + 4 * hour)), (std::vector<uint64_t>{4, 0, 2, 3, 1}));
}

TEST(timer_wheel, entries_hours_ahead_wait_in_their_hour_and_fire_on_time) {
  timer_wheel w(start);
  w.add({start + 5 * hour + 77, 9});
  // Woken at the start of the hour holding it, then at its own millisecond.
  EXPECT_EQ(w.next_wake_ms(), (start / hour + 5) * hour);
  EXPECT_TRUE(w.take_due(*w.next_wake_ms()).empty());
  EXPECT_EQ(w.next_wake_ms(), start + 5 * hour + 77);
  EXPECT_TRUE(w.take_due(start + 5 * hour + 76).empty());
  EXPECT_EQ(offsets(w.take_due(start + 5 * hour + 77)), std::vector<uint64_t>{9});
}

TEST(timer_wheel, an_entry_added_in_the_past_is_due_at_the_next_take) {
  timer_wheel w(start);
  EXPECT_TRUE(w.take_due(start + 10'000).empty());
  w.add({start - 60'000, 1});
  w.add({start + 9'999, 2});  // earlier in the second the wheel already passed
  EXPECT_EQ(w.next_wake_ms(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(offsets(w.take_due(start + 10'000)), (std::vector<uint64_t>{1, 2}));
}

TEST(timer_wheel, a_late_take_collects_everything_due_across_skipped_hours) {
  timer_wheel w(start);
  for (uint64_t i = 0; i < 100; ++i) w.add({start + static_cast<int64_t>(i) * hour / 10, i});
  const auto due = w.take_due(start + 50 * hour / 10);
  EXPECT_EQ(due.size(), 51u);
  EXPECT_EQ(w.size(), 49u);
  EXPECT_EQ(due.back().offset, 50u);
}

// Against a plain model: random adds and takes, every entry fires exactly once, on time.
TEST(timer_wheel, random_schedules_fire_every_entry_once_and_never_early) {
  std::mt19937_64 rng(42);
  timer_wheel w(start);
  std::vector<entry> model;
  int64_t now = start;
  uint64_t next = 0;
  size_t fired = 0;
  for (int step = 0; step < 2000; ++step) {
    for (int k = 0; k < 5; ++k) {
      const entry e{now + static_cast<int64_t>(rng() % (3 * hour)) - 1000, next++};
      w.add(e);
      model.push_back(e);
    }
    now += static_cast<int64_t>(rng() % 20'000);
    const auto due = w.take_due(now);
    for (const entry& e : due) {
      EXPECT_LE(e.fire_ms, now);
      const auto it = std::find(model.begin(), model.end(), e);
      ASSERT_NE(it, model.end()) << "fired twice or never added: " << e.offset;
      model.erase(it);
    }
    fired += due.size();
    for (const entry& e : model) ASSERT_GT(e.fire_ms, now) << "missed: " << e.offset;
    ASSERT_EQ(w.size(), model.size());
  }
  EXPECT_GT(fired, 5000u);
}

}  // namespace
}  // namespace berth::kernel::timer
