// The queue of a FIFO message group, and the cache of queue counts it needs.
#include "topic_queues.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace berth::transport_grpc {
namespace {

TEST(queue_of_group, is_stable_and_spreads_groups) {
  EXPECT_EQ(queue_of_group("order-17", 8), queue_of_group("order-17", 8));
  std::set<uint32_t> used;
  for (int i = 0; i < 100; ++i) {
    const uint32_t q = queue_of_group("group-" + std::to_string(i), 8);
    EXPECT_LT(q, 8u);
    used.insert(q);
  }
  EXPECT_EQ(used.size(), 8u);
  EXPECT_EQ(queue_of_group("anything", 1), 0u);
  EXPECT_EQ(queue_of_group("anything", 0), 0u);
}

TEST(topic_queues, remembers_counts_until_they_are_too_old) {
  topic_queues fresh(std::chrono::hours(1));
  EXPECT_FALSE(fresh.find("t"));
  fresh.remember("t", 4);
  EXPECT_EQ(fresh.find("t"), 4u);
  fresh.remember("t", 8);  // the topic grew
  EXPECT_EQ(fresh.find("t"), 8u);

  topic_queues stale(std::chrono::milliseconds(1));
  stale.remember("t", 4);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(stale.find("t"));
}

}  // namespace
}  // namespace berth::transport_grpc
