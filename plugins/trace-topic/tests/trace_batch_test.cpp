#include "trace_batch.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace berth::trace_topic {
namespace {

trace_record produced(const std::string& id, size_t tag_bytes = 4) {
  trace_record r;
  r.type = BERTH_TRACE_PRODUCE;
  r.message_id = id;
  r.topic = "orders";
  r.tags = std::string(tag_bytes, 't');
  return r;
}

size_t lines(const std::string& body) {
  return static_cast<size_t>(std::count(body.begin(), body.end(), '\n'));
}

TEST(trace_batch, one_message_holds_up_to_max_records_as_json_lines) {
  std::vector<trace_record> records;
  for (int i = 0; i < 25; ++i) records.push_back(produced("id-" + std::to_string(i)));
  const auto messages = pack(records, "b", {10, 1 << 20, 32'000});
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].records, 10u);
  EXPECT_EQ(messages[2].records, 5u);
  EXPECT_EQ(lines(messages[0].body), 10u);
  EXPECT_EQ(messages[0].keys.substr(0, 10), "id-0 id-1 ");
  EXPECT_EQ(messages[2].keys, "id-20 id-21 id-22 id-23 id-24");
}

TEST(trace_batch, a_key_appears_once_per_message) {
  std::vector<trace_record> records{produced("same"), produced("same"), produced("other")};
  records[1].type = BERTH_TRACE_DELIVER;
  const auto messages = pack(records, "b", {10, 1 << 20, 32'000});
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].keys, "same other");
  EXPECT_EQ(messages[0].records, 3u);
}

TEST(trace_batch, a_message_is_cut_before_its_body_passes_max_bytes) {
  std::vector<trace_record> records;
  for (int i = 0; i < 6; ++i) records.push_back(produced("id-" + std::to_string(i), 300));
  const auto messages = pack(records, "b", {100, 1000, 32'000});
  ASSERT_GT(messages.size(), 1u);
  size_t total = 0;
  for (const trace_message& m : messages) {
    EXPECT_LE(m.body.size(), 1000u);
    total += m.records;
  }
  EXPECT_EQ(total, 6u);
}

TEST(trace_batch, a_record_longer_than_max_bytes_goes_alone) {
  const std::vector<trace_record> records{produced("small"), produced("huge", 5000),
                                          produced("small-2")};
  const auto messages = pack(records, "b", {100, 1000, 32'000});
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[1].records, 1u);
  EXPECT_GT(messages[1].body.size(), 5000u);
  EXPECT_EQ(messages[1].keys, "huge");
}

TEST(trace_batch, keys_stay_under_their_limit) {
  std::vector<trace_record> records;
  for (int i = 0; i < 50; ++i) records.push_back(produced(std::string(30, 'a') + std::to_string(i)));
  const auto messages = pack(records, "b", {100, 1 << 20, 200});
  ASSERT_GT(messages.size(), 1u);
  size_t total = 0;
  for (const trace_message& m : messages) {
    EXPECT_LE(m.keys.size(), 200u);
    total += m.records;
  }
  EXPECT_EQ(total, 50u);
}

}  // namespace
}  // namespace berth::trace_topic
