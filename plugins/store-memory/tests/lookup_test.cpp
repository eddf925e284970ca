// lookup_id, lookup_key and offset_by_time.
#include "store_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <string>

namespace berth::plugins::store_memory::test {
namespace {

using std::chrono::milliseconds;

class lookup_test : public store_fixture {
 protected:
  lookup_test() { open(); }
};

TEST_F(lookup_test, every_appended_id_finds_its_message) {
  test_message a;
  a.body = "first";
  test_message b;
  b.body = "second";
  b.queue_id = 3;
  const append_outcome out = append({a, b});
  ASSERT_EQ(out.status, BERTH_OK);
  for (size_t i = 0; i < 2; ++i) {
    auto [status, found] = lookup_id(out.results[i].message_id);
    ASSERT_EQ(status, BERTH_OK);
    ASSERT_EQ(found->count, 1u);
    EXPECT_EQ(found->status, BERTH_READ_FOUND);
    const berth_message_view& v = *found->messages[0];
    EXPECT_EQ(text(v.message_id), out.results[i].message_id);
    EXPECT_EQ(v.log_offset, out.results[i].log_offset);
    EXPECT_EQ(v.queue_offset, out.results[i].queue_offset);
    EXPECT_EQ(body_text(v), i == 0 ? "first" : "second");
  }
}

TEST_F(lookup_test, ids_are_found_in_lower_case_too) {
  std::string id = append_ok().message_id;
  std::transform(id.begin(), id.end(), id.begin(),
                 [](char c) { return static_cast<char>(std::tolower(c)); });
  EXPECT_EQ(lookup_id(id).first, BERTH_OK);
}

TEST_F(lookup_test, an_ipv6_store_host_gives_a_long_id_that_round_trips) {
  test_message m;
  m.store_host = "[::1]:10911";
  const berth_append_result appended = append_ok(m);
  EXPECT_EQ(std::string(appended.message_id).size(), 56u);
  EXPECT_EQ(lookup_id(appended.message_id).first, BERTH_OK);
}

TEST_F(lookup_test, text_that_is_not_an_id_is_invalid) {
  std::string error;
  EXPECT_EQ(lookup_id("not-an-id", &error).first, BERTH_E_INVALID);
  EXPECT_EQ(error, "'not-an-id' is not a message id of this store (32 or 56 hexadecimal digits)");
  EXPECT_EQ(lookup_id(std::string(32, 'G')).first, BERTH_E_INVALID);
}

TEST_F(lookup_test, an_id_of_no_held_message_is_not_found) {
  const berth_append_result appended = append_ok();
  // Same offset, another broker.
  EXPECT_EQ(lookup_id(sdk::make_message_id("10.1.1.1:10911", appended.log_offset)).first,
            BERTH_E_NOT_FOUND);
  // An offset inside the message, and one past the log.
  EXPECT_EQ(lookup_id(sdk::make_message_id("127.0.0.1:10911", appended.log_offset + 1)).first,
            BERTH_E_NOT_FOUND);
  EXPECT_EQ(lookup_id(sdk::make_message_id("127.0.0.1:10911", 1u << 30)).first,
            BERTH_E_NOT_FOUND);
}

TEST_F(lookup_test, keys_match_exactly_on_topic_and_any_one_key_newest_first) {
  test_message m1;
  m1.keys = "order-1 customer-9";
  m1.body = "m1";
  test_message m2;
  m2.keys = "order-10";
  m2.body = "m2";
  test_message m3;
  m3.keys = "customer-9";
  m3.body = "m3";
  m3.queue_id = 2;
  test_message elsewhere;
  elsewhere.topic = "payments";
  elsewhere.keys = "customer-9";
  append_ok(m1);
  append_ok(m2);
  append_ok(elsewhere);
  append_ok(m3);

  const auto found = lookup_key("orders", "customer-9", 0, INT64_MAX);
  ASSERT_EQ(found->count, 2u);
  EXPECT_EQ(found->status, BERTH_READ_FOUND);
  EXPECT_EQ(body_text(*found->messages[0]), "m3");
  EXPECT_EQ(body_text(*found->messages[1]), "m1");
  EXPECT_EQ(lookup_key("orders", "order-1", 0, INT64_MAX)->count, 1u);
  EXPECT_EQ(lookup_key("orders", "order", 0, INT64_MAX)->count, 0u);
}

TEST_F(lookup_test, the_uniq_key_property_is_a_key) {
  test_message m;
  m.properties = {{"UNIQ_KEY", "AC1100FF0001"}};
  append_ok(m);
  EXPECT_EQ(lookup_key("orders", "AC1100FF0001", 0, INT64_MAX)->count, 1u);
}

TEST_F(lookup_test, keys_honour_the_time_window_and_max_messages) {
  test_message m;
  m.keys = "k";
  const int64_t t0 = host_.realtime_ms();
  for (int i = 0; i < 5; ++i) {
    append_ok(m);  // store times t0, t0+1000, ..., t0+4000
    host_.advance(milliseconds(1000));
  }
  const auto window = lookup_key("orders", "k", t0 + 1000, t0 + 3000);
  ASSERT_EQ(window->count, 3u);
  EXPECT_EQ(window->messages[0]->store_time_ms, t0 + 3000);
  EXPECT_EQ(window->messages[2]->store_time_ms, t0 + 1000);

  const auto newest_two = lookup_key("orders", "k", 0, INT64_MAX, 2);
  ASSERT_EQ(newest_two->count, 2u);
  EXPECT_EQ(newest_two->messages[0]->queue_offset, 4u);
  EXPECT_EQ(newest_two->messages[1]->queue_offset, 3u);
}

TEST_F(lookup_test, no_match_is_ok_with_count_zero) {
  const auto found = lookup_key("orders", "nothing", 0, INT64_MAX);
  EXPECT_EQ(found->count, 0u);
  EXPECT_NE(found->status, BERTH_READ_FOUND);
}

TEST_F(lookup_test, offset_by_time_finds_the_first_message_at_or_after_the_time) {
  const int64_t t0 = host_.realtime_ms();
  append_ok();                        // 0 at t0
  host_.advance(milliseconds(1000));
  append_ok();                        // 1 at t0+1000
  append_ok();                        // 2 at t0+1000
  host_.advance(milliseconds(1000));
  append_ok();                        // 3 at t0+2000
  const auto at = [&](int64_t time_ms) {
    uint64_t offset = UINT64_MAX;
    EXPECT_EQ(adapter::ops.offset_by_time(store_, sdk::abi_str("orders"), 0, time_ms, &offset,
                                          nullptr),
              BERTH_OK);
    return offset;
  };
  EXPECT_EQ(at(t0 - 1), 0u);       // every message newer: min_offset
  EXPECT_EQ(at(t0 + 1), 1u);
  EXPECT_EQ(at(t0 + 1000), 1u);
  EXPECT_EQ(at(t0 + 2000), 3u);
  EXPECT_EQ(at(t0 + 2001), 4u);    // every message older: max_offset

  retention(0, BERTH_RETENTION_OLDEST);
  EXPECT_EQ(at(t0 - 1), 1u);       // min_offset rose
}

TEST_F(lookup_test, offset_by_time_of_an_unknown_queue_is_not_found) {
  uint64_t offset = 0;
  EXPECT_EQ(adapter::ops.offset_by_time(store_, sdk::abi_str("orders"), 9, 0, &offset, nullptr),
            BERTH_E_NOT_FOUND);
}

}  // namespace
}  // namespace berth::plugins::store_memory::test
