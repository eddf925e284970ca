#include "trace_batch.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace berth::trace_topic {
namespace {

// The record of the message at `offset` of queue 0 of "orders".
trace_record produced(uint64_t offset, size_t tag_bytes = 4, uint32_t type = BERTH_TRACE_PRODUCE) {
  const std::string tags(tag_bytes, 't');
  const std::string id = "id-" + std::to_string(offset);
  berth_trace_event e{};
  e.struct_size = sizeof e;
  e.type = type;
  e.topic = berth_str{"orders", 6};
  e.queue_offset = offset;
  e.message_id = berth_str{id.data(), id.size()};
  e.tags = berth_str{tags.data(), tags.size()};
  return record_of(e);
}

size_t lines(const std::string& body) {
  return static_cast<size_t>(std::count(body.begin(), body.end(), '\n'));
}

TEST(trace_batch, one_message_holds_up_to_max_records_as_json_lines) {
  std::vector<trace_record> records;
  for (uint64_t i = 0; i < 25; ++i) records.push_back(produced(i));
  const auto messages = pack(records, {10, 1 << 20, 32'000});
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].records, 10u);
  EXPECT_EQ(messages[2].records, 5u);
  EXPECT_EQ(lines(messages[0].body), 10u);
  EXPECT_EQ(messages[0].keys, "orders:0:0");  // offsets 0-9
  EXPECT_EQ(messages[1].keys, "orders:0:0 orders:0:1");  // 10-19
  EXPECT_EQ(messages[2].keys, "orders:0:1");  // 20-24
}

TEST(trace_batch, a_key_appears_once_per_message) {
  std::vector<trace_record> records{produced(3), produced(3, 4, BERTH_TRACE_DELIVER),
                                    produced(5), produced(20)};
  const auto messages = pack(records, {10, 1 << 20, 32'000});
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].keys, "orders:0:0 orders:0:1");
  EXPECT_EQ(messages[0].records, 4u);
}

TEST(trace_batch, a_message_is_cut_before_its_body_passes_max_bytes) {
  std::vector<trace_record> records;
  for (uint64_t i = 0; i < 6; ++i) records.push_back(produced(i, 300));
  const auto messages = pack(records, {100, 1000, 32'000});
  ASSERT_GT(messages.size(), 1u);
  size_t total = 0;
  for (const trace_message& m : messages) {
    EXPECT_LE(m.body.size(), 1000u);
    total += m.records;
  }
  EXPECT_EQ(total, 6u);
}

TEST(trace_batch, a_record_longer_than_max_bytes_goes_alone) {
  const std::vector<trace_record> records{produced(0), produced(1, 5000), produced(2)};
  const auto messages = pack(records, {100, 1000, 32'000});
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[1].records, 1u);
  EXPECT_GT(messages[1].body.size(), 5000u);
  EXPECT_EQ(messages[1].keys, "orders:0:0");
}

TEST(trace_batch, keys_stay_under_their_limit) {
  std::vector<trace_record> records;
  for (uint64_t i = 0; i < 50; ++i) records.push_back(produced(i * 16));  // a key each
  const auto messages = pack(records, {100, 1 << 20, 40});
  ASSERT_GT(messages.size(), 1u);
  size_t total = 0;
  for (const trace_message& m : messages) {
    EXPECT_LE(m.keys.size(), 40u);
    total += m.records;
  }
  EXPECT_EQ(total, 50u);
}

}  // namespace
}  // namespace berth::trace_topic
