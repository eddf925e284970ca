// append(): the max_bytes bound, whole-batch refusals, offsets, ids, store times, the arrival
// listener and the inline acknowledgement.
#include "store_fixture.hpp"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

namespace berth::plugins::store_memory::test {
namespace {

class append_test : public store_fixture {};

TEST_F(append_test, a_batch_that_would_pass_max_bytes_fails_whole_and_stores_nothing) {
  const test_message m;
  host_.set_size("max_bytes", 3 * expected_size(m));
  open();
  append_ok(m);
  const berth_store_stats before = stats();

  const append_outcome refused = append({m, m, m});  // 1 + 3 > 3
  EXPECT_EQ(refused.status, BERTH_E_FULL);
  EXPECT_EQ(refused.error.rfind("store-memory is full: " + std::to_string(expected_size(m)) +
                                    " of " + std::to_string(3 * expected_size(m)) + " bytes used; ",
                                0),
            0u)
      << refused.error;

  const berth_store_stats after = stats();
  EXPECT_EQ(after.bytes_used, before.bytes_used);
  EXPECT_EQ(after.unit_count, 1u);
  EXPECT_EQ(after.log_max_offset, before.log_max_offset);
  EXPECT_EQ(bounds("orders", 0), std::make_pair(uint64_t{0}, uint64_t{1}));
  EXPECT_EQ(host_.metric("store_memory_full_refusals_total"), 1);
}

TEST_F(append_test, max_bytes_can_be_filled_exactly) {
  const test_message m;
  host_.set_size("max_bytes", 3 * expected_size(m));
  open();
  EXPECT_EQ(append({m, m, m}).status, BERTH_OK);
  EXPECT_EQ(stats().bytes_free, 0u);
  EXPECT_EQ(append({m}).status, BERTH_E_FULL);
}

TEST_F(append_test, space_freed_by_retention_can_be_used_again) {
  const test_message m;
  host_.set_size("max_bytes", 2 * expected_size(m));
  open();
  append_ok(m);
  append_ok(m);
  ASSERT_EQ(append({m}).status, BERTH_E_FULL);
  retention(0, BERTH_RETENTION_OLDEST);
  EXPECT_EQ(append({m}).status, BERTH_OK);
}

TEST_F(append_test, an_invalid_message_anywhere_in_the_batch_stores_nothing) {
  open();
  test_message bad;
  bad.topic = "bad topic";
  bad.queue_id = 1;
  const append_outcome refused = append({test_message{}, test_message{}, bad});
  EXPECT_EQ(refused.status, BERTH_E_INVALID);
  EXPECT_EQ(refused.error,
            "message 2 of the batch: topic has byte 0x20 at position 3; topics use only "
            "[A-Za-z0-9%_|-]");
  EXPECT_EQ(read("orders", 0, 0)->status, BERTH_READ_NO_QUEUE);
  EXPECT_EQ(stats().unit_count, 0u);
  EXPECT_EQ(stats().log_max_offset, 0u);
}

TEST_F(append_test, a_body_over_max_message_size_refuses_the_batch_and_names_the_sizes) {
  host_.set_size("max_message_size", 1024);
  open();
  test_message big;
  big.body = std::string(1025, 'x');
  const append_outcome refused = append({test_message{}, test_message{}, test_message{}, big});
  EXPECT_EQ(refused.status, BERTH_E_INVALID);
  EXPECT_EQ(refused.error,
            "message 3 of the batch: body of 1025 bytes exceeds max_message_size (1024)");
  EXPECT_EQ(stats().unit_count, 0u);
}

TEST_F(append_test, an_invalid_batch_is_reported_before_a_full_store) {
  const test_message m;
  host_.set_size("max_bytes", expected_size(m));
  open();
  append_ok(m);
  test_message bad;
  bad.topic = "";
  EXPECT_EQ(append({bad}).status, BERTH_E_INVALID);
}

TEST_F(append_test, log_offsets_advance_by_each_messages_accounted_size) {
  open();
  test_message small;
  test_message large;
  large.body = std::string(1000, 'x');
  const append_outcome out = append({small, large, small});
  ASSERT_EQ(out.status, BERTH_OK) << out.error;
  EXPECT_EQ(out.results[0].log_offset, 0u);
  EXPECT_EQ(out.results[1].log_offset, expected_size(small));
  EXPECT_EQ(out.results[2].log_offset, expected_size(small) + expected_size(large));
  EXPECT_EQ(stats().log_max_offset, 2 * expected_size(small) + expected_size(large));
  EXPECT_EQ(stats().bytes_used, 2 * expected_size(small) + expected_size(large));
}

TEST_F(append_test, queue_offsets_count_from_zero_per_topic_and_queue) {
  open();
  test_message q0;
  test_message q1;
  q1.queue_id = 1;
  test_message other;
  other.topic = "payments";
  const append_outcome out = append({q0, q1, q0, other, q1, q0});
  ASSERT_EQ(out.status, BERTH_OK) << out.error;
  std::vector<uint64_t> offsets;
  for (const berth_append_result& r : out.results) offsets.push_back(r.queue_offset);
  EXPECT_EQ(offsets, (std::vector<uint64_t>{0, 0, 1, 0, 1, 2}));
  EXPECT_EQ(append_ok(q1).queue_offset, 2u);
  EXPECT_EQ(bounds("orders", 0), std::make_pair(uint64_t{0}, uint64_t{3}));
  EXPECT_EQ(stats().queue_count, 3u);
}

TEST_F(append_test, message_ids_encode_the_store_host_and_the_log_offset) {
  open();
  const append_outcome out = append({test_message{}, test_message{}});
  ASSERT_EQ(out.status, BERTH_OK) << out.error;
  EXPECT_STREQ(out.results[0].message_id, "7F00000100002A9F0000000000000000");
  EXPECT_EQ(std::string(out.results[1].message_id),
            sdk::make_message_id("127.0.0.1:10911", out.results[1].log_offset));
  EXPECT_NE(std::string(out.results[0].message_id), std::string(out.results[1].message_id));
}

TEST_F(append_test, store_time_comes_from_the_host_clock_and_never_goes_back) {
  open();
  host_.set_realtime_ms(5'000'000);
  EXPECT_EQ(append_ok().store_time_ms, 5'000'000);
  host_.set_realtime_ms(4'000'000);  // the wall clock stepped back
  EXPECT_EQ(append_ok().store_time_ms, 5'000'000);
  host_.set_realtime_ms(6'000'000);
  EXPECT_EQ(append_ok().store_time_ms, 6'000'000);
}

TEST_F(append_test, with_a_done_callback_the_ack_comes_once_before_append_returns) {
  open();
  struct ack_record {
    int calls = 0;
    berth_status status = BERTH_E_INTERNAL;
  } record;
  const auto done = [](void* arg, berth_status status, const char*) {
    auto* r = static_cast<ack_record*>(arg);
    ++r->calls;
    r->status = status;
  };
  view_batch views({test_message{}});
  berth_append_result result{};
  ASSERT_EQ(adapter::ops.append(store_, views.data(), 1, &result, sizeof result, done, &record,
                                nullptr),
            BERTH_OK);
  EXPECT_EQ(record.calls, 1);
  EXPECT_EQ(record.status, BERTH_OK);
  // Visible at once: the memory store has no dispatcher.
  EXPECT_EQ(read("orders", 0, 0)->count, 1u);
}

TEST_F(append_test, an_empty_batch_is_acknowledged_and_stores_nothing) {
  open();
  int calls = 0;
  const auto done = [](void* arg, berth_status, const char*) { ++*static_cast<int*>(arg); };
  EXPECT_EQ(adapter::ops.append(store_, nullptr, 0, nullptr, sizeof(berth_append_result), done,
                                &calls, nullptr),
            BERTH_OK);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(append({}).status, BERTH_OK);  // blocking form: returns rather than waiting forever
  EXPECT_EQ(stats().log_max_offset, 0u);
}

TEST_F(append_test, a_refused_append_never_calls_done) {
  open();
  int calls = 0;
  const auto done = [](void* arg, berth_status, const char*) { ++*static_cast<int*>(arg); };
  test_message bad;
  bad.topic = "";
  view_batch views({bad});
  berth_append_result result{};
  EXPECT_EQ(adapter::ops.append(store_, views.data(), 1, &result, sizeof result, done, &calls,
                                nullptr),
            BERTH_E_INVALID);
  EXPECT_EQ(calls, 0);
}

struct arrivals {
  std::vector<std::tuple<std::string, uint32_t, uint64_t>> seen;
  static void record(void* arg, berth_str topic, uint32_t queue_id, uint64_t max_offset) {
    static_cast<arrivals*>(arg)->seen.emplace_back(text(topic), queue_id, max_offset);
  }
};

TEST_F(append_test, the_arrival_listener_hears_once_per_touched_queue_with_its_new_max) {
  open();
  arrivals heard;
  adapter::ops.set_arrival_listener(store_, &arrivals::record, &heard);
  test_message q1;
  q1.queue_id = 1;
  ASSERT_EQ(append({test_message{}, q1, test_message{}}).status, BERTH_OK);
  using arrival = std::tuple<std::string, uint32_t, uint64_t>;
  EXPECT_EQ(heard.seen, (std::vector<arrival>{{"orders", 0, 2}, {"orders", 1, 1}}));

  adapter::ops.set_arrival_listener(store_, nullptr, nullptr);
  append_ok();
  EXPECT_EQ(heard.seen.size(), 2u);
}

TEST_F(append_test, a_refused_append_is_not_announced) {
  open();
  arrivals heard;
  adapter::ops.set_arrival_listener(store_, &arrivals::record, &heard);
  test_message bad;
  bad.topic = "";
  EXPECT_EQ(append({test_message{}, bad}).status, BERTH_E_INVALID);
  EXPECT_TRUE(heard.seen.empty());
}

}  // namespace
}  // namespace berth::plugins::store_memory::test
