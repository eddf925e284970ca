#include "pop/pop_queue_state.hpp"

#include <gtest/gtest.h>

namespace berth::kernel::pop {
namespace {

constexpr int64_t t0 = 1'000'000;

TEST(PopQueueState, DeliverAckAdvancesTheCommittedOffset) {
  pop_queue_state s(10);
  EXPECT_EQ(s.committed(), 10u);
  s.deliver(10, "", t0 + 100, 1, 3, false);
  s.deliver(11, "", t0 + 100, 2, 3, false);
  EXPECT_EQ(s.next(), 12u);
  EXPECT_EQ(s.committed(), 10u);
  EXPECT_EQ(s.check(11, 2), handle_state::current);
  EXPECT_TRUE(s.finish(11));
  EXPECT_EQ(s.committed(), 10u);  // 10 is still unfinished
  EXPECT_EQ(s.check(11, 2), handle_state::finished);
  EXPECT_TRUE(s.finish(10));
  EXPECT_EQ(s.committed(), 12u);
  EXPECT_FALSE(s.finish(10));
}

TEST(PopQueueState, ExpiredMessagesAreReadyAgainWithANewNonce) {
  pop_queue_state s(0);
  s.deliver(0, "", t0 + 100, 1, 3, false);
  EXPECT_TRUE(s.ready(t0 + 99, false).empty());
  EXPECT_EQ(s.ready(t0 + 100, false), std::vector<uint64_t>{0});
  EXPECT_EQ(s.check(0, 1), handle_state::current);  // not yet handed out again
  const pop_entry& again = s.deliver(0, "", t0 + 300, 7, 3, false);
  EXPECT_EQ(again.attempt, 2u);
  EXPECT_EQ(s.check(0, 1), handle_state::stale);
  EXPECT_EQ(s.check(0, 7), handle_state::current);
  EXPECT_EQ(s.check(5, 7), handle_state::stale);  // never popped here
}

TEST(PopQueueState, OutOfAttemptsGoesToDeadLettersNotToPops) {
  pop_queue_state s(0);
  s.deliver(0, "", t0, 1, 2, false);
  s.deliver(0, "", t0 + 10, 2, 2, false);
  EXPECT_TRUE(s.due_for_dead_letters(t0 + 9).empty());
  EXPECT_TRUE(s.ready(t0 + 10, false).empty());
  EXPECT_EQ(s.due_for_dead_letters(t0 + 10), std::vector<uint64_t>{0});
  s.set_dead_lettering(0, true);
  EXPECT_TRUE(s.due_for_dead_letters(t0 + 10).empty());
  s.finish(0);
  EXPECT_EQ(s.committed(), 1u);
}

TEST(PopQueueState, FifoHandsOutOnlyTheFirstUnfinishedOfEachGroup) {
  pop_queue_state s(0);
  s.deliver(0, "A", t0 + 100, 1, 5, true);
  EXPECT_TRUE(s.blocked("A"));
  EXPECT_FALSE(s.blocked("B"));
  EXPECT_FALSE(s.blocked(""));  // no group: its own group
  s.hold_back(1, "A");
  s.deliver(2, "B", t0 + 100, 2, 5, true);
  s.hold_back(3, "A");
  EXPECT_TRUE(s.ready(t0, true).empty());       // 1 and 3 wait behind 0
  EXPECT_EQ(s.ready(t0, false), (std::vector<uint64_t>{1, 3}));  // without fifo they go
  // 0 and 2 expire: 0 is redelivered before 1 and 3; B's 2 goes too.
  EXPECT_EQ(s.ready(t0 + 100, true), (std::vector<uint64_t>{0, 2}));
  s.finish(0);
  EXPECT_EQ(s.ready(t0, true), (std::vector<uint64_t>{1}));
  EXPECT_EQ(s.committed(), 1u);
}

TEST(PopQueueState, ChangedDeadlineMakesTheOldHandleStale) {
  pop_queue_state s(0);
  s.deliver(0, "", t0 + 100, 1, 5, false);
  s.change_deadline(0, t0 + 5000, 2);
  EXPECT_EQ(s.check(0, 1), handle_state::stale);
  EXPECT_EQ(s.check(0, 2), handle_state::current);
  EXPECT_TRUE(s.ready(t0 + 4999, false).empty());
  EXPECT_TRUE(s.expired_between(t0 + 4999, t0 + 5000));
  EXPECT_FALSE(s.expired_between(t0 + 5000, t0 + 6000));
}

TEST(PopQueueState, RetentionDropsWhatIsGone) {
  pop_queue_state s(0);
  s.deliver(0, "", t0, 1, 5, false);
  s.deliver(1, "", t0, 2, 5, false);
  s.deliver(2, "", t0, 3, 5, false);
  s.start_at_least(2);
  EXPECT_EQ(s.committed(), 2u);
  EXPECT_EQ(s.unfinished(), 1u);
  EXPECT_EQ(s.check(0, 1), handle_state::stale);
}

TEST(PopQueueState, HasDeliveredIgnoresHeldBackMessages) {
  pop_queue_state s(0);
  s.hold_back(0, "A");
  EXPECT_FALSE(s.has_delivered());
  s.deliver(0, "A", t0, 1, 5, true);
  EXPECT_TRUE(s.has_delivered());
  EXPECT_TRUE(s.fifo());
}

}  // namespace
}  // namespace berth::kernel::pop
