// read(): statuses, the message/byte/scan caps and the tag-hash filter, as the memory store
// applies them (the shared conformance suite covers the contract across stores).
#include "store_fixture.hpp"

#include <gtest/gtest.h>

#include <string>

namespace berth::plugins::store_memory::test {
namespace {

class read_test : public store_fixture {
 protected:
  read_test() {
    host_.set_size("max_bytes", 64u << 20);
    open();
  }

  // Append `count` messages to orders/0, tagged by `tag(i)`.
  template <class Tag>
  void fill(int count, Tag tag) {
    for (int i = 0; i < count; ++i) {
      test_message m;
      m.tags = tag(i);
      m.body = "body-" + std::to_string(i);
      append_ok(m);
    }
  }
  void fill(int count) {
    fill(count, [](int) { return std::string{}; });
  }

  static int32_t only_tag_b(void*, uint64_t tag_hash) {
    return tag_hash == berth_tag_hash(berth_str{"B", 1}) ? 1 : 0;
  }
  static int32_t count_and_accept(void* arg, uint64_t) {
    ++*static_cast<int*>(arg);
    return 1;
  }
};

TEST_F(read_test, each_status_with_its_bounds_and_next_offset) {
  EXPECT_EQ(read("orders", 0, 0)->status, BERTH_READ_NO_QUEUE);
  fill(3);
  retention(0, BERTH_RETENTION_OLDEST);  // bounds [1, 3)

  const auto before = read("orders", 0, 0);
  EXPECT_EQ(before->status, BERTH_READ_BEFORE_START);
  EXPECT_EQ(before->next_offset, 1u);
  EXPECT_EQ(before->min_offset, 1u);
  EXPECT_EQ(before->max_offset, 3u);

  const auto end = read("orders", 0, 3);
  EXPECT_EQ(end->status, BERTH_READ_END);
  EXPECT_EQ(end->next_offset, 3u);

  const auto past = read("orders", 0, 7);
  EXPECT_EQ(past->status, BERTH_READ_PAST_END);
  EXPECT_EQ(past->next_offset, 3u);

  const auto found = read("orders", 0, 1);
  EXPECT_EQ(found->status, BERTH_READ_FOUND);
  ASSERT_EQ(found->count, 2u);
  EXPECT_EQ(found->messages[0]->queue_offset, 1u);
  EXPECT_EQ(body_text(*found->messages[1]), "body-2");
  EXPECT_EQ(found->next_offset, 3u);
}

TEST_F(read_test, max_messages_caps_the_count) {
  fill(5);
  const auto result = read("orders", 0, 1, 2);
  EXPECT_EQ(result->count, 2u);
  EXPECT_EQ(result->next_offset, 3u);
}

TEST_F(read_test, max_bytes_counts_accounted_sizes_and_one_message_always_fits) {
  fill(5);
  test_message sized;
  sized.body = "body-0";
  const uint64_t size = expected_size(sized);
  EXPECT_EQ(read("orders", 0, 0, 32, 1)->count, 1u);
  EXPECT_EQ(read("orders", 0, 0, 32, 2 * size)->count, 2u);
  const auto result = read("orders", 0, 0, 32, 3 * size - 1);
  EXPECT_EQ(result->count, 2u);
  EXPECT_EQ(result->next_offset, 2u);
}

TEST_F(read_test, max_bytes_zero_means_no_byte_cap) {
  fill(5);
  EXPECT_EQ(read("orders", 0, 0, 32, 0)->count, 5u);
}

TEST_F(read_test, the_filter_skips_entries_and_next_offset_passes_them) {
  fill(6, [](int i) { return i == 2 || i == 5 ? std::string("B") : std::string("A"); });
  const auto result = read("orders", 0, 0, 32, UINT64_MAX, 0, &only_tag_b);
  ASSERT_EQ(result->count, 2u);
  EXPECT_EQ(result->messages[0]->queue_offset, 2u);
  EXPECT_EQ(result->messages[1]->queue_offset, 5u);
  EXPECT_EQ(result->next_offset, 6u);

  // One match wanted: reading stops right after it.
  EXPECT_EQ(read("orders", 0, 0, 1, UINT64_MAX, 0, &only_tag_b)->next_offset, 3u);
}

TEST_F(read_test, when_every_examined_entry_is_skipped_the_status_says_none_matched) {
  fill(4, [](int) { return std::string("A"); });
  const auto result = read("orders", 0, 1, 32, UINT64_MAX, 0, &only_tag_b);
  EXPECT_EQ(result->status, BERTH_READ_NONE_MATCHED);
  EXPECT_EQ(result->count, 0u);
  EXPECT_EQ(result->next_offset, 4u);
}

TEST_F(read_test, max_scan_caps_the_entries_examined_filtered_ones_included) {
  fill(10, [](int i) { return i == 8 ? std::string("B") : std::string("A"); });
  const auto result = read("orders", 0, 0, 32, UINT64_MAX, 5, &only_tag_b);
  EXPECT_EQ(result->status, BERTH_READ_NONE_MATCHED);
  EXPECT_EQ(result->next_offset, 5u);
  const auto rest = read("orders", 0, 5, 32, UINT64_MAX, 5, &only_tag_b);
  ASSERT_EQ(rest->count, 1u);
  EXPECT_EQ(rest->messages[0]->queue_offset, 8u);
}

TEST_F(read_test, max_scan_zero_means_the_stores_default_cap) {
  const int total = static_cast<int>(default_max_scan) + 10;
  {
    test_message empty;
    empty.body.clear();
    std::vector<test_message> batch(static_cast<size_t>(total), empty);
    ASSERT_EQ(append(batch).status, BERTH_OK);
  }
  int examined = 0;
  const auto result = read("orders", 0, 0, UINT32_MAX, UINT64_MAX, 0, &count_and_accept, &examined);
  EXPECT_EQ(result->count, default_max_scan);
  EXPECT_EQ(examined, static_cast<int>(default_max_scan));
}

TEST_F(read_test, views_point_into_the_stored_message_not_into_a_copy_per_read) {
  fill(1);
  const auto first = read("orders", 0, 0);
  const auto second = read("orders", 0, 0);
  EXPECT_EQ(first->messages[0]->body.ptr, second->messages[0]->body.ptr);
  EXPECT_EQ(first->messages[0]->properties, second->messages[0]->properties);
}

}  // namespace
}  // namespace berth::plugins::store_memory::test
