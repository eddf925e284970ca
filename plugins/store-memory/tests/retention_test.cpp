// Retention: by age and the oldest message, what it does to bounds and the log, results that
// stay valid across it, and the run the store schedules on the host by itself.
#include "store_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace berth::plugins::store_memory::test {
namespace {

using std::chrono::milliseconds;

class retention_test : public store_fixture {
 protected:
  retention_test() { host_.set_duration("retention", std::chrono::seconds(10)); }
};

TEST_F(retention_test, drops_messages_older_than_retention_and_keeps_the_rest) {
  open();
  const int64_t t0 = host_.realtime_ms();
  const berth_append_result first = append_ok();
  host_.advance(milliseconds(5000));
  const berth_append_result second = append_ok();

  // At t0 + 12s the first is 12s old, the second 7s.
  const berth_retention_report report = retention(t0 + 12'000);
  EXPECT_EQ(report.units_deleted, 1u);
  EXPECT_EQ(report.bytes_freed, expected_size(test_message{}));
  EXPECT_EQ(report.log_min_offset, second.log_offset);
  EXPECT_EQ(bounds("orders", 0), std::make_pair(uint64_t{1}, uint64_t{2}));
  EXPECT_EQ(lookup_id(first.message_id).first, BERTH_E_NOT_FOUND);
  EXPECT_EQ(lookup_id(second.message_id).first, BERTH_OK);
}

TEST_F(retention_test, a_message_exactly_retention_old_is_kept) {
  open();
  const int64_t t0 = host_.realtime_ms();
  append_ok();
  EXPECT_EQ(retention(t0 + 10'000).units_deleted, 0u);
  EXPECT_EQ(retention(t0 + 10'001).units_deleted, 1u);
}

TEST_F(retention_test, now_zero_means_the_hosts_clock) {
  open();
  append_ok();
  EXPECT_EQ(retention(0).units_deleted, 0u);
  host_.advance(milliseconds(10'001));
  EXPECT_EQ(retention(0).units_deleted, 1u);
}

TEST_F(retention_test, oldest_also_drops_the_oldest_message_that_is_not_yet_expired) {
  open();
  const berth_append_result first = append_ok();
  const berth_append_result second = append_ok();
  const berth_retention_report report = retention(0, BERTH_RETENTION_OLDEST);
  EXPECT_EQ(report.units_deleted, 1u);
  EXPECT_EQ(report.log_min_offset, second.log_offset);
  EXPECT_EQ(lookup_id(first.message_id).first, BERTH_E_NOT_FOUND);
  EXPECT_EQ(stats().unit_count, 1u);
}

TEST_F(retention_test, oldest_on_an_empty_store_drops_nothing) {
  open();
  const berth_retention_report report = retention(0, BERTH_RETENTION_OLDEST);
  EXPECT_EQ(report.units_deleted, 0u);
  EXPECT_EQ(report.log_min_offset, 0u);
}

TEST_F(retention_test, unknown_flags_and_negative_times_are_refused) {
  open();
  berth_retention_report report{};
  report.struct_size = sizeof report;
  EXPECT_EQ(adapter::ops.run_retention(store_, 0, 0x10, &report, nullptr), BERTH_E_INVALID);
  EXPECT_EQ(adapter::ops.run_retention(store_, -5, 0, &report, nullptr), BERTH_E_INVALID);
}

TEST_F(retention_test, an_emptied_queue_stays_known_with_min_equal_to_max) {
  open();
  append_ok();
  append_ok();
  retention(0, BERTH_RETENTION_OLDEST);
  retention(0, BERTH_RETENTION_OLDEST);
  EXPECT_EQ(bounds("orders", 0), std::make_pair(uint64_t{2}, uint64_t{2}));
  const auto result = read("orders", 0, 0);
  EXPECT_EQ(result->status, BERTH_READ_BEFORE_START);
  EXPECT_EQ(result->next_offset, 2u);
  EXPECT_EQ(read("orders", 0, 2)->status, BERTH_READ_END);
  const berth_store_stats s = stats();
  EXPECT_EQ(s.log_min_offset, s.log_max_offset);
  EXPECT_EQ(s.queue_count, 1u);
  // New messages continue the numbering.
  EXPECT_EQ(append_ok().queue_offset, 2u);
}

TEST_F(retention_test, a_read_result_stays_valid_after_retention_drops_its_messages) {
  open();
  test_message m;
  m.body = std::string(300, 'b');
  m.properties = {{"color", "blue"}};
  append_ok(m);
  append_ok(m);
  const auto result = read("orders", 0, 0);
  ASSERT_EQ(result->count, 2u);

  retention(0, BERTH_RETENTION_OLDEST);
  retention(0, BERTH_RETENTION_OLDEST);
  ASSERT_EQ(stats().unit_count, 0u);
  // Under ASan a dangling view would be reported here.
  for (uint32_t i = 0; i < result->count; ++i) {
    const berth_message_view& v = *result->messages[i];
    EXPECT_EQ(body_text(v), m.body);
    EXPECT_EQ(text(v.topic), "orders");
    ASSERT_EQ(v.property_count, 1u);
    EXPECT_EQ(text(v.properties[0].value), "blue");
    EXPECT_EQ(v.queue_offset, i);
  }
}

TEST_F(retention_test, a_lookup_result_stays_valid_after_retention_drops_its_message) {
  open();
  test_message m;
  m.keys = "order-1";
  const berth_append_result appended = append_ok(m);
  auto [status, by_id] = lookup_id(appended.message_id);
  ASSERT_EQ(status, BERTH_OK);
  const auto by_key = lookup_key("orders", "order-1", 0, INT64_MAX);
  ASSERT_EQ(by_key->count, 1u);
  retention(0, BERTH_RETENTION_OLDEST);
  EXPECT_EQ(text(by_id->messages[0]->keys), "order-1");
  EXPECT_EQ(text(by_key->messages[0]->message_id), appended.message_id);
  EXPECT_EQ(lookup_key("orders", "order-1", 0, INT64_MAX)->count, 0u);
}

TEST_F(retention_test, stats_follow_appends_and_retention) {
  const test_message m;
  host_.set_size("max_bytes", 10 * expected_size(m));
  open();
  append_ok(m);
  append_ok(m);
  test_message other;
  other.queue_id = 4;
  append_ok(other);
  retention(0, BERTH_RETENTION_OLDEST);

  const berth_store_stats s = stats();
  EXPECT_EQ(s.struct_size, sizeof(berth_store_stats));
  EXPECT_EQ(s.fenced, 0u);
  EXPECT_EQ(s.disk_full, 0u);
  EXPECT_EQ(s.queue_count, 2u);
  EXPECT_EQ(s.messages_appended, 3u);
  EXPECT_EQ(s.bytes_appended, 3 * expected_size(m));
  EXPECT_EQ(s.unit_count, 2u);
  EXPECT_EQ(s.bytes_used, 2 * expected_size(m));
  EXPECT_EQ(s.bytes_free, 8 * expected_size(m));
  EXPECT_EQ(s.log_min_offset, expected_size(m));
  EXPECT_EQ(s.log_max_offset, 3 * expected_size(m));
  EXPECT_EQ(s.visible_offset, s.log_max_offset);
  EXPECT_EQ(s.durable_offset, s.log_max_offset);
  EXPECT_EQ(host_.metric("store_memory_bytes_used"), static_cast<int64_t>(s.bytes_used));
  EXPECT_EQ(host_.metric("store_memory_dropped_messages_total"), 1);
  EXPECT_EQ(host_.metric("store_memory_appended_messages_total"), 3);
}

TEST_F(retention_test, the_store_runs_retention_on_the_hosts_scheduler) {
  open();
  ASSERT_EQ(host_.pending_tasks(), 1u);  // the first run, 10s out
  append_ok();
  host_.advance(milliseconds(9'999));
  EXPECT_EQ(host_.run_due_tasks(), 0u);
  EXPECT_EQ(stats().unit_count, 1u);

  host_.advance(milliseconds(2));  // the message is now 10.001s old and the run due
  EXPECT_EQ(host_.run_due_tasks(), 1u);
  EXPECT_EQ(stats().unit_count, 0u);
  EXPECT_EQ(host_.pending_tasks(), 1u);  // it scheduled the next run
}

TEST_F(retention_test, destroying_the_store_cancels_its_scheduled_run) {
  open();
  ASSERT_EQ(host_.pending_tasks(), 1u);
  close();
  EXPECT_EQ(host_.pending_tasks(), 0u);
  EXPECT_EQ(host_.dropped_tasks(), 1u);
}

}  // namespace
}  // namespace berth::plugins::store_memory::test
