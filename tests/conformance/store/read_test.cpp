// Reads: queue bounds, each read status, the max_messages / max_bytes / max_scan limits and
// the tag-hash filter.
#include "conformance_fixture.hpp"

#include <fmt/format.h>

namespace berth::conformance {
namespace {

uint64_t hash_of(std::string_view tag) { return berth_tag_hash(berth_str{tag.data(), tag.size()}); }

}  // namespace

class store_reads : public store_conformance {
 protected:
  // `n` messages in reads:0 with bodies of `body_size` bytes, tagged "a", "b", "a", ...
  void fill(uint32_t n, size_t body_size = 10) {
    std::vector<message_builder> batch;
    for (uint32_t i = 0; i < n; ++i) {
      message_builder m = message("reads", 0, std::string(body_size, static_cast<char>('0' + i % 10)));
      m.tags(i % 2 == 0 ? "a" : "b");
      batch.push_back(std::move(m));
    }
    append_ok(batch);
    sync_ok();
  }
};

TEST_F(store_reads, bounds_of_a_queue_never_written_is_not_found) {
  fill(3);
  for (const auto& [topic, queue] : {std::pair<std::string_view, uint32_t>{"nothing", 0},
                                     {"reads", 1}, {"READS", 0}}) {
    auto bounds = store().bounds(topic, queue);
    ASSERT_FALSE(bounds) << topic << ":" << queue << " has bounds";
    EXPECT_EQ(bounds.error().code, BERTH_E_NOT_FOUND) << bounds.error().message;
  }
}

TEST_F(store_reads, bounds_cover_every_appended_message) {
  fill(17);
  auto bounds = store().bounds("reads", 0);
  ASSERT_TRUE(bounds) << bounds.error().message;
  EXPECT_EQ(bounds.value().min_offset, 0u);
  EXPECT_EQ(bounds.value().max_offset, 17u);
}

TEST_F(store_reads, read_of_a_queue_never_written_is_no_queue) {
  fill(2);
  const read_result r = read_ok({.topic = "reads", .queue_id = 9, .offset = 0});
  EXPECT_EQ(r.status(), BERTH_READ_NO_QUEUE);
  EXPECT_EQ(r.size(), 0u);
  const read_result other = read_ok({.topic = "unknown", .queue_id = 0, .offset = 0});
  EXPECT_EQ(other.status(), BERTH_READ_NO_QUEUE);
}

TEST_F(store_reads, read_at_the_max_offset_is_end) {
  fill(4);
  const read_result r = read_ok({.topic = "reads", .queue_id = 0, .offset = 4});
  EXPECT_EQ(r.status(), BERTH_READ_END);
  EXPECT_EQ(r.size(), 0u);
  EXPECT_EQ(r.next_offset(), 4u);
  EXPECT_EQ(r.min_offset(), 0u);
  EXPECT_EQ(r.max_offset(), 4u);
}

TEST_F(store_reads, read_beyond_the_max_offset_is_past_end) {
  fill(4);
  for (const uint64_t offset : {5ull, 1000ull}) {
    const read_result r = read_ok({.topic = "reads", .queue_id = 0, .offset = offset});
    EXPECT_EQ(r.status(), BERTH_READ_PAST_END) << "offset " << offset;
    EXPECT_EQ(r.size(), 0u);
    EXPECT_EQ(r.max_offset(), 4u);
  }
}

TEST_F(store_reads, read_within_bounds_is_found_with_next_offset_and_bounds) {
  fill(6);
  const read_result r = read_ok({.topic = "reads", .queue_id = 0, .offset = 2});
  ASSERT_EQ(r.status(), BERTH_READ_FOUND);
  ASSERT_EQ(r.size(), 4u);
  for (size_t i = 0; i < r.size(); ++i) EXPECT_EQ(r[i].queue_offset, 2 + i);
  EXPECT_EQ(r.next_offset(), 6u);
  EXPECT_EQ(r.min_offset(), 0u);
  EXPECT_EQ(r.max_offset(), 6u);
}

TEST_F(store_reads, read_returns_at_most_max_messages) {
  fill(10);
  const read_result r = read_ok({.topic = "reads", .queue_id = 0, .offset = 1, .max_messages = 3});
  ASSERT_EQ(r.status(), BERTH_READ_FOUND);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].queue_offset, 1u);
  EXPECT_EQ(r[2].queue_offset, 3u);
  EXPECT_EQ(r.next_offset(), 4u);
}

TEST_F(store_reads, read_returns_at_most_max_bytes_but_always_one_message) {
  fill(10, 1000);
  const read_result one = read_ok({.topic = "reads", .queue_id = 0, .offset = 0, .max_bytes = 1});
  ASSERT_EQ(one.status(), BERTH_READ_FOUND);
  EXPECT_EQ(one.size(), 1u) << "max_bytes below one message still returns exactly one";
  EXPECT_EQ(one.next_offset(), 1u);

  const read_result some = read_ok({.topic = "reads", .queue_id = 0, .offset = 0, .max_bytes = 2500});
  ASSERT_EQ(some.status(), BERTH_READ_FOUND);
  EXPECT_GE(some.size(), 1u);
  EXPECT_LE(some.size(), 2u) << "three 1000-byte bodies exceed max_bytes = 2500";
  EXPECT_EQ(some.next_offset(), some.size());

  const read_result all = read_ok({.topic = "reads", .queue_id = 0, .offset = 0,
                                   .max_bytes = 1u << 20});
  EXPECT_EQ(all.size(), 10u) << "a generous max_bytes does not limit";
}

TEST_F(store_reads, tag_hash_filter_skips_rejected_messages_and_next_offset_moves_past_them) {
  fill(10);  // tags a b a b ... b (offset 9 is "b")
  const uint64_t a = hash_of("a");
  std::vector<uint64_t> seen;
  const read_result r = read_ok({.topic = "reads", .queue_id = 0, .offset = 0, .max_messages = 100,
                                 .accept = [&](uint64_t h) {
                                   seen.push_back(h);
                                   return h == a;
                                 }});
  ASSERT_EQ(r.status(), BERTH_READ_FOUND);
  ASSERT_EQ(r.size(), 5u);
  for (size_t i = 0; i < r.size(); ++i) {
    EXPECT_EQ(r[i].queue_offset, 2 * i);
    EXPECT_EQ(text(r[i].tags), "a");
  }
  EXPECT_EQ(r.next_offset(), 10u) << "the skipped last entry need not be examined again";
  EXPECT_GE(seen.size(), 10u) << "accept() decides on every entry examined";
}

TEST_F(store_reads, a_filtered_read_never_skips_a_matching_message) {
  fill(10);
  const uint64_t a = hash_of("a");
  const read_result r = read_ok({.topic = "reads", .queue_id = 0, .offset = 0, .max_messages = 2,
                                 .accept = [&](uint64_t h) { return h == a; }});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].queue_offset, 0u);
  EXPECT_EQ(r[1].queue_offset, 2u);
  EXPECT_GE(r.next_offset(), 3u);
  EXPECT_LE(r.next_offset(), 4u) << "offset 4 matches and must be read next";
}

TEST_F(store_reads, read_where_every_entry_is_rejected_is_none_matched) {
  fill(10);
  const read_result r = read_ok({.topic = "reads", .queue_id = 0, .offset = 0,
                                 .accept = [](uint64_t) { return false; }});
  EXPECT_EQ(r.status(), BERTH_READ_NONE_MATCHED);
  EXPECT_EQ(r.size(), 0u);
  EXPECT_GT(r.next_offset(), 0u) << "next_offset moves past the skipped entries";
  EXPECT_LE(r.next_offset(), 10u);
}

TEST_F(store_reads, max_scan_bounds_the_entries_examined) {
  fill(10);
  const read_result none = read_ok({.topic = "reads", .queue_id = 0, .offset = 1, .max_scan = 4,
                                    .accept = [](uint64_t) { return false; }});
  EXPECT_EQ(none.status(), BERTH_READ_NONE_MATCHED);
  EXPECT_EQ(none.next_offset(), 5u) << "four entries examined from offset 1";

  const uint64_t b = hash_of("b");
  const read_result some = read_ok({.topic = "reads", .queue_id = 0, .offset = 0, .max_messages = 100,
                                    .max_scan = 5, .accept = [&](uint64_t h) { return h == b; }});
  ASSERT_EQ(some.status(), BERTH_READ_FOUND);
  ASSERT_EQ(some.size(), 2u) << "offsets 1 and 3 match within the first five entries";
  EXPECT_EQ(some.next_offset(), 5u);
}

}  // namespace berth::conformance
