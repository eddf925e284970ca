// Queue locks: one holder per (group, topic, queue); renewal, unlock, a closed connection and
// an expired lease let another member take the queue.
#include "fake_transport.hpp"

#include "group/queue_locks.hpp"

#include <gtest/gtest.h>

namespace berth::kernel::group {
namespace {

using namespace std::chrono_literals;
using queues = std::vector<uint32_t>;

class queue_locks_test : public ::testing::Test {
 protected:
  protocol::connection_ptr connect() {
    return std::make_shared<protocol::connection>(transport.ops, &transport,
                                                  protocol::test::fake_transport::info(), "tcp");
  }

  protocol::test::fake_transport transport;
  protocol::connection_ptr a_conn = connect();
  protocol::connection_ptr b_conn = connect();
  queue_locks locks{60s};
  clock::time_point t0 = clock::now();
};

TEST_F(queue_locks_test, a_queue_has_one_holder_at_a_time) {
  EXPECT_EQ(locks.lock("g", "orders", "a", a_conn, {0, 1, 2}, t0), (queues{0, 1, 2}));
  EXPECT_EQ(locks.lock("g", "orders", "b", b_conn, {1, 2, 3}, t0 + 1s), (queues{3}));
  EXPECT_EQ(locks.holder("g", "orders", 1, t0 + 1s), "a");
  EXPECT_EQ(locks.holder("g", "orders", 3, t0 + 1s), "b");
  EXPECT_EQ(locks.lock("other-group", "orders", "b", b_conn, {1}, t0 + 1s), (queues{1}))
      << "groups lock independently";
  EXPECT_EQ(locks.lock("g", "audit", "b", b_conn, {1}, t0 + 1s), (queues{1}))
      << "and so do topics";
}

TEST_F(queue_locks_test, the_holder_renews_and_keeps_the_queue_past_the_first_lease) {
  ASSERT_EQ(locks.lock("g", "orders", "a", a_conn, {0}, t0), (queues{0}));
  EXPECT_EQ(locks.lock("g", "orders", "a", a_conn, {0}, t0 + 50s), (queues{0}));
  EXPECT_TRUE(locks.lock("g", "orders", "b", b_conn, {0}, t0 + 70s).empty())
      << "renewed at 50 s: held until 110 s";
  EXPECT_EQ(locks.lock("g", "orders", "b", b_conn, {0}, t0 + 111s), (queues{0}))
      << "not renewed in time: expired";
  EXPECT_EQ(locks.holder("g", "orders", 0, t0 + 111s), "b");
}

TEST_F(queue_locks_test, unlock_frees_only_the_callers_own_queues) {
  ASSERT_EQ(locks.lock("g", "orders", "a", a_conn, {0, 1}, t0), (queues{0, 1}));
  locks.unlock("g", "orders", "b", {0});  // not b's: nothing happens
  EXPECT_EQ(locks.holder("g", "orders", 0, t0), "a");
  locks.unlock("g", "orders", "a", {0});
  EXPECT_EQ(locks.holder("g", "orders", 0, t0), "");
  EXPECT_EQ(locks.lock("g", "orders", "b", b_conn, {0, 1}, t0), (queues{0}));
}

TEST_F(queue_locks_test, a_closed_connection_lets_go_of_everything_taken_on_it) {
  ASSERT_EQ(locks.lock("g", "orders", "a", a_conn, {0, 1}, t0), (queues{0, 1}));
  ASSERT_EQ(locks.lock("g2", "audit", "a", a_conn, {4}, t0), (queues{4}));
  ASSERT_EQ(locks.lock("g", "orders", "b", b_conn, {2}, t0), (queues{2}));
  locks.disconnected(a_conn);
  EXPECT_EQ(locks.lock("g", "orders", "b", b_conn, {0, 1, 2}, t0), (queues{0, 1, 2}));
  EXPECT_EQ(locks.holder("g2", "audit", 4, t0), "");
}

}  // namespace
}  // namespace berth::kernel::group
