// The average allocation: every queue owned by exactly one client, runs contiguous, sizes
// differing by at most one, the same answer for every client from the same member list.
#include "group/assignment.hpp"

#include <gtest/gtest.h>

#include <set>

namespace berth::kernel::group {
namespace {

using queues = std::vector<uint32_t>;

TEST(allocate_average, splits_contiguously_with_the_remainder_first) {
  const std::vector<std::string> clients{"a", "b", "c"};
  EXPECT_EQ(allocate_average(clients, 8, "a"), (queues{0, 1, 2}));
  EXPECT_EQ(allocate_average(clients, 8, "b"), (queues{3, 4, 5}));
  EXPECT_EQ(allocate_average(clients, 8, "c"), (queues{6, 7}));
}

TEST(allocate_average, more_clients_than_queues_leaves_the_last_idle) {
  const std::vector<std::string> clients{"a", "b", "c", "d"};
  EXPECT_EQ(allocate_average(clients, 2, "a"), (queues{0}));
  EXPECT_EQ(allocate_average(clients, 2, "b"), (queues{1}));
  EXPECT_TRUE(allocate_average(clients, 2, "c").empty());
  EXPECT_TRUE(allocate_average(clients, 2, "d").empty());
}

TEST(allocate_average, a_stranger_or_no_queue_gets_nothing) {
  const std::vector<std::string> clients{"a"};
  EXPECT_TRUE(allocate_average(clients, 4, "z").empty());
  EXPECT_TRUE(allocate_average(clients, 0, "a").empty());
  EXPECT_EQ(allocate_average(clients, 4, "a"), (queues{0, 1, 2, 3}));
}

TEST(allocate_average, every_queue_has_exactly_one_owner) {
  for (uint32_t members = 1; members <= 9; ++members) {
    std::vector<std::string> clients;
    for (uint32_t i = 0; i < members; ++i) clients.push_back("client-" + std::to_string(i));
    for (uint32_t count = 1; count <= 17; ++count) {
      std::multiset<uint32_t> owned;
      size_t smallest = count, largest = 0;
      for (const std::string& c : clients) {
        const queues mine = allocate_average(clients, count, c);
        owned.insert(mine.begin(), mine.end());
        smallest = std::min(smallest, mine.size());
        largest = std::max(largest, mine.size());
      }
      ASSERT_EQ(owned.size(), count) << members << " clients, " << count << " queues";
      for (uint32_t q = 0; q < count; ++q) ASSERT_EQ(owned.count(q), 1u);
      EXPECT_LE(largest - smallest, 1u);
    }
  }
}

}  // namespace
}  // namespace berth::kernel::group
