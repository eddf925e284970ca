// The arrival listener and the stats counters.
#include "conformance_fixture.hpp"

#include <map>
#include <mutex>
#include <thread>

namespace berth::conformance {
namespace {

struct arrival_log {
  std::mutex mutex;
  std::map<std::pair<std::string, uint32_t>, std::vector<uint64_t>> max_offsets;

  kernel::store::arrival_listener listener() {
    return [this](std::string_view topic, uint32_t queue_id, uint64_t max_offset) {
      std::lock_guard lock(mutex);
      max_offsets[{std::string(topic), queue_id}].push_back(max_offset);
    };
  }
  std::vector<uint64_t> of(const std::string& topic, uint32_t queue_id) {
    std::lock_guard lock(mutex);
    return max_offsets[{topic, queue_id}];
  }
};

// Wait up to 10 s for the last reported max offset of a queue to reach `n`.
bool reaches(arrival_log& log, const std::string& topic, uint32_t queue_id, uint64_t n) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    const std::vector<uint64_t> seen = log.of(topic, queue_id);
    if (!seen.empty() && seen.back() >= n) return true;
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace

TEST_F(store_conformance, arrival_listener_reports_increasing_max_offsets_per_queue) {
  arrival_log log;
  ASSERT_TRUE(store().set_arrival_listener(log.listener()));
  for (int round = 0; round < 10; ++round) {
    std::vector<message_builder> batch;
    for (int i = 0; i < 3; ++i) batch.push_back(message("arrivals", 0, "zero"));
    batch.push_back(message("arrivals", 1, "one"));
    append_ok(batch);
  }
  sync_ok();
  ASSERT_TRUE(reaches(log, "arrivals", 0, 30)) << "queue 0 never reported max offset 30";
  ASSERT_TRUE(reaches(log, "arrivals", 1, 10)) << "queue 1 never reported max offset 10";
  for (const auto& [queue, n] : {std::pair<uint32_t, uint64_t>{0, 30}, {1, 10}}) {
    const std::vector<uint64_t> seen = log.of("arrivals", queue);
    for (size_t i = 1; i < seen.size(); ++i) {
      EXPECT_LT(seen[i - 1], seen[i]) << "queue " << queue << " report " << i;
    }
    EXPECT_GE(seen.front(), 1u);
    EXPECT_EQ(seen.back(), n) << "queue " << queue;
  }
  EXPECT_TRUE(log.of("arrivals", 2).empty()) << "a queue without messages had arrivals";
  EXPECT_TRUE(store().set_arrival_listener({}));
}

TEST_F(store_conformance, a_removed_arrival_listener_is_not_called_again) {
  arrival_log log;
  ASSERT_TRUE(store().set_arrival_listener(log.listener()));
  append_one(message("arrivals", 0, "before"));
  sync_ok();
  ASSERT_TRUE(reaches(log, "arrivals", 0, 1));
  ASSERT_TRUE(store().set_arrival_listener({}));
  const size_t calls = log.of("arrivals", 0).size();
  append_one(message("arrivals", 0, "after"));
  sync_ok();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(log.of("arrivals", 0).size(), calls);
}

TEST_F(store_conformance, stats_count_appended_messages_and_queues) {
  auto empty = store().stats();
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_EQ(empty.value().messages_appended, 0u);
  EXPECT_EQ(empty.value().queue_count, 0u);
  EXPECT_EQ(empty.value().fenced, 0u);

  uint64_t body_bytes = 0, last_log_offset = 0;
  for (int round = 0; round < 5; ++round) {
    std::vector<message_builder> batch;
    for (uint32_t q = 0; q < 3; ++q) batch.push_back(message("counted", q, std::string(100 + q, 'c')));
    batch.push_back(message("also", 0, "a"));
    for (const message_builder& m : batch) body_bytes += m.body().size();
    for (const appended& a : append_ok(batch)) last_log_offset = std::max(last_log_offset, a.log_offset);
  }
  sync_ok();
  auto stats = store().stats();
  ASSERT_TRUE(stats) << stats.error().message;
  const kernel::store::store_stats& s = stats.value();
  EXPECT_EQ(s.struct_size, sizeof(berth_store_stats));
  EXPECT_EQ(s.messages_appended, 20u);
  EXPECT_GE(s.bytes_appended, body_bytes) << "bytes_appended counts at least the bodies";
  EXPECT_EQ(s.queue_count, 4u);
  EXPECT_GT(s.log_max_offset, last_log_offset) << "log_max_offset is where the next record goes";
  EXPECT_GE(s.visible_offset, s.log_max_offset) << "after sync() everything is visible";
  EXPECT_GT(s.bytes_used, 0u);
  EXPECT_GT(s.unit_count, 0u);
  EXPECT_EQ(s.fenced, 0u);
  EXPECT_EQ(s.disk_full, 0u);
}

}  // namespace berth::conformance
