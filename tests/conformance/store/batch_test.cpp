// Batches: one result per message, queue offsets contiguous per queue within and across
// batches, many queues side by side, and all-or-nothing for a batch with a bad message.
#include "conformance_fixture.hpp"

#include <fmt/format.h>

#include <map>
#include <set>

namespace berth::conformance {

TEST_F(store_conformance, a_batch_gets_one_result_per_message_in_order) {
  std::vector<message_builder> batch;
  for (int i = 0; i < 10; ++i) batch.push_back(message("batch", 0, "m" + std::to_string(i)));
  const std::vector<appended> done = append_ok(batch);
  ASSERT_EQ(done.size(), 10u);
  std::set<std::string> ids;
  for (size_t i = 0; i < done.size(); ++i) {
    EXPECT_EQ(done[i].queue_offset, i);
    if (i > 0) {
      EXPECT_GT(done[i].log_offset, done[i - 1].log_offset);
    }
    EXPECT_TRUE(ids.insert(done[i].message_id).second) << done[i].message_id;
  }
  sync_ok();
  const std::vector<message_copy> all = read_all("batch", 0);
  ASSERT_EQ(all.size(), 10u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(std::string(all[i].body.begin(), all[i].body.end()), "m" + std::to_string(i));
    EXPECT_EQ(all[i].message_id, done[i].message_id);
  }
}

TEST_F(store_conformance, queue_offsets_are_contiguous_per_queue_within_and_across_batches) {
  // Batches of varying sizes, each mixing two topics and three queues.
  const std::vector<std::pair<std::string, uint32_t>> queues = {
      {"alpha", 0}, {"alpha", 1}, {"alpha", 2}, {"beta", 0}, {"beta", 2}};
  std::map<std::pair<std::string, uint32_t>, uint64_t> next;
  std::map<std::pair<std::string, uint32_t>, std::vector<std::string>> bodies;
  size_t turn = 0;
  for (const size_t size : {1u, 5u, 2u, 13u, 8u, 3u, 21u}) {
    std::vector<message_builder> batch;
    std::vector<std::pair<std::string, uint32_t>> where;
    for (size_t i = 0; i < size; ++i, ++turn) {
      const auto& q = queues[(turn * 7 + turn / 3) % queues.size()];
      const std::string body = fmt::format("{}-{}-{}", q.first, q.second, bodies[q].size());
      bodies[q].push_back(body);
      batch.push_back(message(q.first, q.second, body));
      where.push_back(q);
    }
    const std::vector<appended> done = append_ok(batch);
    for (size_t i = 0; i < done.size(); ++i) {
      EXPECT_EQ(done[i].queue_offset, next[where[i]]++)
          << "message " << i << " of a batch of " << size << " to " << where[i].first << ":"
          << where[i].second;
    }
  }
  sync_ok();
  for (const auto& [q, expected] : bodies) {
    const std::vector<message_copy> all = read_all(q.first, q.second);
    ASSERT_EQ(all.size(), expected.size()) << q.first << ":" << q.second;
    for (size_t i = 0; i < all.size(); ++i) {
      EXPECT_EQ(all[i].queue_offset, i);
      EXPECT_EQ(std::string(all[i].body.begin(), all[i].body.end()), expected[i]);
    }
  }
}

TEST_F(store_conformance, twenty_topics_of_four_queues_interleaved_read_back_in_order) {
  constexpr uint32_t topics = 20, queues = 4, per_queue = 12;
  std::vector<message_builder> batch;
  for (uint32_t round = 0; round < per_queue; ++round) {
    for (uint32_t q = 0; q < queues; ++q) {
      for (uint32_t t = 0; t < topics; ++t) {
        batch.push_back(message(fmt::format("topic-{:02}", t), q, fmt::format("{}/{}/{}", t, q, round)));
        if (batch.size() == 7) {  // batches cut across topics and queues
          append_ok(batch);
          batch.clear();
        }
      }
    }
  }
  if (!batch.empty()) append_ok(batch);
  sync_ok();

  for (uint32_t t = 0; t < topics; ++t) {
    for (uint32_t q = 0; q < queues; ++q) {
      const std::vector<message_copy> all = read_all(fmt::format("topic-{:02}", t), q);
      ASSERT_EQ(all.size(), per_queue) << "topic " << t << " queue " << q;
      for (uint32_t round = 0; round < per_queue; ++round) {
        EXPECT_EQ(std::string(all[round].body.begin(), all[round].body.end()),
                  fmt::format("{}/{}/{}", t, q, round));
        EXPECT_EQ(all[round].queue_offset, round);
        EXPECT_EQ(all[round].queue_id, q);
      }
    }
  }
}

TEST_F(store_conformance, a_batch_with_an_invalid_message_stores_nothing) {
  std::vector<message_builder> batch;
  batch.push_back(message("valid", 0, "first"));
  batch.push_back(message("", 0, "empty topic"));
  batch.push_back(message("valid", 0, "third"));
  auto refused = store().append(kernel::store::views_of(batch));
  ASSERT_FALSE(refused) << "a batch with an empty topic was accepted";
  EXPECT_EQ(refused.error().code, BERTH_E_INVALID);
  EXPECT_FALSE(refused.error().message.empty()) << "the error should name the bad message";
  sync_ok();

  auto bounds = store().bounds("valid", 0);
  ASSERT_FALSE(bounds) << "the valid messages of a refused batch were stored";
  EXPECT_EQ(bounds.error().code, BERTH_E_NOT_FOUND);
  auto stats = store().stats();
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats.value().messages_appended, 0u);

  // The store goes on as if the batch had never come.
  const appended a = append_one(message("valid", 0, "later"));
  EXPECT_EQ(a.queue_offset, 0u);
}

}  // namespace berth::conformance
