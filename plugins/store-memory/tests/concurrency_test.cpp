// Appends, reads, lookups, stats and retention from several threads at once. Meant to run
// under the sanitizers too: the assertions check the store's own invariants afterwards.
#include "store_fixture.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace berth::plugins::store_memory::test {
namespace {

class concurrency_test : public store_fixture {
 protected:
  concurrency_test() {
    host_.set_size("max_bytes", 256u << 20);
    open();
  }
};

TEST_F(concurrency_test, parallel_appends_reads_and_retention_keep_the_store_consistent) {
  constexpr int writers = 2;
  constexpr int batches = 300;
  constexpr int batch_size = 4;
  std::atomic<bool> writing{true};
  std::atomic<uint64_t> dropped{0};
  std::atomic<int> bad_reads{0};

  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      test_message m;
      m.queue_id = static_cast<uint32_t>(w);
      m.keys = "k" + std::to_string(w);
      for (int b = 0; b < batches; ++b) {
        m.body = "w" + std::to_string(w) + "-b" + std::to_string(b);
        const append_outcome out = append(std::vector<test_message>(batch_size, m));
        if (out.status != BERTH_OK) ADD_FAILURE() << out.error;
      }
    });
  }
  threads.emplace_back([&] {  // a consumer per queue, following next_offset
    uint64_t next[writers] = {};
    while (writing) {
      for (uint32_t q = 0; q < writers; ++q) {
        const auto result = read("orders", q, next[q], 16);
        if (result->status == BERTH_READ_FOUND || result->status == BERTH_READ_BEFORE_START ||
            result->status == BERTH_READ_END) {
          for (uint32_t i = 0; i < result->count; ++i) {
            const berth_message_view& v = *result->messages[i];
            if (v.queue_id != q || body_text(v).rfind("w" + std::to_string(q), 0) != 0) ++bad_reads;
          }
          next[q] = result->next_offset;
        }
      }
      (void)lookup_key("orders", "k0", 0, INT64_MAX, 8);
      (void)stats();
    }
  });
  threads.emplace_back([&] {
    while (writing) dropped += retention(0, BERTH_RETENTION_OLDEST).units_deleted;
  });

  for (int w = 0; w < writers; ++w) threads[static_cast<size_t>(w)].join();
  writing = false;
  for (size_t t = writers; t < threads.size(); ++t) threads[t].join();

  EXPECT_EQ(bad_reads.load(), 0);
  const berth_store_stats s = stats();
  const uint64_t appended = uint64_t{writers} * batches * batch_size;
  EXPECT_EQ(s.messages_appended, appended);
  EXPECT_EQ(s.unit_count, appended - dropped.load());
  uint64_t held = 0;
  for (uint32_t q = 0; q < writers; ++q) {
    const auto [min, max] = bounds("orders", q);
    EXPECT_EQ(max, uint64_t{batches} * batch_size);
    held += max - min;
  }
  EXPECT_EQ(held, s.unit_count);
}

}  // namespace
}  // namespace berth::plugins::store_memory::test
