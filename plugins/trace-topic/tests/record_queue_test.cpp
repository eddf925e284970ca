#include "record_queue.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace berth::trace_topic {
namespace {

using namespace std::chrono_literals;

trace_record numbered(uint64_t n) {
  const std::string line = std::to_string(n) + "\n";
  return trace_record(line + "key", line.size(), 1);
}

std::string number_of(const trace_record& r) {
  return std::string(r.line().substr(0, r.line().size() - 1));
}

TEST(record_queue, refuses_records_beyond_its_capacity) {
  record_queue q(3, 10);
  EXPECT_TRUE(q.push(numbered(0)));
  EXPECT_TRUE(q.push(numbered(1)));
  EXPECT_TRUE(q.push(numbered(2)));
  EXPECT_FALSE(q.push(numbered(3)));
  EXPECT_EQ(q.size(), 3u);
}

TEST(record_queue, counts_the_events_a_record_holds) {
  record_queue q(20, 100);
  EXPECT_TRUE(q.push(trace_record("a\n", 2, 16)));
  EXPECT_FALSE(q.push(trace_record("b\n", 2, 5)));  // 21 events: over
  EXPECT_TRUE(q.push(trace_record("c\n", 2, 4)));
  EXPECT_EQ(q.size(), 20u);
  const auto first = q.take(10, std::chrono::milliseconds(0));  // one record, even if larger
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].events(), 16u);
  EXPECT_EQ(q.size(), 4u);
}

TEST(record_queue, take_returns_the_oldest_first_up_to_max) {
  record_queue q(10, 2);
  for (uint64_t i = 0; i < 5; ++i) ASSERT_TRUE(q.push(numbered(i)));
  const auto first = q.take(3, 0ms);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(number_of(first[0]), "0");
  EXPECT_EQ(number_of(first[2]), "2");
  EXPECT_EQ(q.take(10, 0ms).size(), 2u);
}

TEST(record_queue, take_waits_for_a_batch_and_no_longer_than_asked) {
  record_queue q(10, 3);
  ASSERT_TRUE(q.push(numbered(0)));
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(q.take(10, 50ms).size(), 1u);  // less than a batch: after the wait
  EXPECT_GE(std::chrono::steady_clock::now() - started, 50ms);

  std::thread pusher([&] {
    std::this_thread::sleep_for(20ms);
    for (uint64_t i = 0; i < 3; ++i) ASSERT_TRUE(q.push(numbered(i)));
  });
  EXPECT_EQ(q.take(10, 60s).size(), 3u);  // woken by the third record, long before 60 s
  pusher.join();
}

TEST(record_queue, close_wakes_take_and_refuses_pushes) {
  record_queue q(10, 5);
  std::thread closer([&] {
    std::this_thread::sleep_for(20ms);
    q.close();
  });
  EXPECT_TRUE(q.take(10, 60s).empty());
  closer.join();
  EXPECT_TRUE(q.closed());
  EXPECT_FALSE(q.push(numbered(1)));
}

TEST(record_queue, put_back_goes_in_front_and_drops_the_oldest_beyond_capacity) {
  record_queue q(4, 10);
  ASSERT_TRUE(q.push(numbered(10)));
  ASSERT_TRUE(q.push(numbered(11)));
  EXPECT_EQ(q.put_back({numbered(1), numbered(2), numbered(3)}), 1u);
  const auto all = q.take(10, 0ms);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(number_of(all[0]), "2");
  EXPECT_EQ(number_of(all[1]), "3");
  EXPECT_EQ(number_of(all[2]), "10");
}

}  // namespace
}  // namespace berth::trace_topic
