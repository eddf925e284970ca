// The memory of unresolved halves: claims, and a checkpoint that never declares an unresolved
// half resolved.
#include "transaction/transaction_table.hpp"

#include <gtest/gtest.h>

namespace berth::kernel::transaction {
namespace {

pending_half half(uint64_t offset, std::string id = "", int64_t stored_ms = 1000) {
  if (id.empty()) id = "tx-" + std::to_string(offset);
  return {offset, id, "msg-" + std::to_string(offset), "producers", stored_ms, 0, false};
}

TEST(TransactionTable, AClaimNeedsTheRightIdAndGroupAndIsExclusive) {
  transaction_table t;
  t.half_appending();
  t.half_appended(half(0));
  EXPECT_EQ(t.claim_for(0, "tx-9", "producers").status, claim_status::mismatch);
  EXPECT_EQ(t.claim_for(0, "tx-0", "others").status, claim_status::mismatch);
  EXPECT_EQ(t.claim_for(1, "tx-0", "producers").status, claim_status::not_pending);
  EXPECT_EQ(t.claim_for(0, "msg-0", "producers").status, claim_status::claimed);  // its message id
  EXPECT_EQ(t.claim_for(0, "tx-0", "producers").status, claim_status::busy);
  EXPECT_EQ(t.claim_any(0).status, claim_status::busy);
  t.release(0, true);
  const claim again = t.claim_any(0);
  ASSERT_EQ(again.status, claim_status::claimed);
  EXPECT_TRUE(again.half.maybe_committed);
  t.resolved(0, 7);
  EXPECT_EQ(t.claim_for(0, "tx-0", "producers").status, claim_status::not_pending);
  EXPECT_EQ(t.pending_count(), 0u);
}

TEST(TransactionTable, DueHalvesAreOldEnoughAndUnclaimed) {
  transaction_table t;
  t.restore(half(0, "", 1000));
  t.restore(half(1, "", 5000));
  t.restore(half(2, "", 1000));
  ASSERT_EQ(t.claim_any(2).status, claim_status::claimed);
  const auto due = t.due(7000, 3000);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].offset, 0u);
  EXPECT_EQ(t.due(8000, 3000).size(), 2u);
}

TEST(TransactionTable, TheCheckpointStopsAtTheOldestUnresolvedHalf) {
  transaction_table t;
  for (uint64_t i = 0; i < 4; ++i) t.restore(half(i));
  t.restore_extent(4, 0);
  t.count_check(2);
  t.count_check(2);
  EXPECT_EQ(t.take_checkpoint().resolved_below, 0u);
  ASSERT_EQ(t.claim_any(0).status, claim_status::claimed);
  t.resolved(0, 0);
  ASSERT_EQ(t.claim_any(3).status, claim_status::claimed);
  t.resolved(3, 1);
  checkpoint c = t.take_checkpoint();
  EXPECT_EQ(c.resolved_below, 1u);
  EXPECT_EQ(c.ops_from, 1u);  // the op record of half 3 is still needed
  EXPECT_EQ(c.checks, (std::map<uint64_t, uint32_t>{{2, 2}}));
  for (uint64_t i : {1u, 2u}) {
    ASSERT_EQ(t.claim_any(i).status, claim_status::claimed);
    t.resolved(i, i + 1);
  }
  c = t.take_checkpoint();
  EXPECT_EQ(c.resolved_below, 4u);
  EXPECT_EQ(c.ops_from, 4u);
  EXPECT_TRUE(c.checks.empty());
}

TEST(TransactionTable, AnAppendInFlightHoldsTheCheckpoint) {
  transaction_table t;
  t.half_appending();  // will be offset 0, whose callback comes last
  t.half_appending();
  t.half_appended(half(1));
  ASSERT_EQ(t.claim_any(1).status, claim_status::claimed);
  t.resolved(1, 0);
  EXPECT_EQ(t.take_checkpoint().resolved_below, 0u);
  t.half_appended(half(0));
  EXPECT_EQ(t.take_checkpoint().resolved_below, 0u);
  ASSERT_EQ(t.claim_any(0).status, claim_status::claimed);
  t.resolved(0, 1);
  EXPECT_EQ(t.take_checkpoint().resolved_below, 2u);
}

TEST(TransactionTable, RecoveryKeepsOnlyResolutionsAtOrOverTheCheckpoint) {
  transaction_table t(checkpoint{5, 3, {}});
  t.restore_resolution(4, 3);
  t.restore_resolution(6, 4);
  EXPECT_FALSE(t.resolved_since_checkpoint(4));
  EXPECT_TRUE(t.resolved_since_checkpoint(6));
}

}  // namespace
}  // namespace berth::kernel::transaction
