// Lifetimes: zero-copy views stay valid and unchanged until released, whatever the store does
// meanwhile; an append's done callback runs exactly once; sync() works.
#include "conformance_fixture.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace berth::conformance {
namespace {

std::vector<message_copy> copies(const read_result& r) {
  std::vector<message_copy> out;
  for (const berth_message_view* v : r.messages()) out.push_back(message_copy::of(*v));
  return out;
}

// Poll `done` for up to `limit`.
template <class Pred>
bool eventually(Pred done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace

TEST_F(store_conformance, read_results_stay_valid_and_unchanged_while_many_appends_follow) {
  std::vector<message_builder> first;
  for (int i = 0; i < 40; ++i) {
    message_builder m = message("held", static_cast<uint32_t>(i % 2), fmt::format("held-{:03}", i));
    m.keys("hold").tags("t").property("n", std::to_string(i));
    first.push_back(std::move(m));
  }
  const std::vector<appended> done = append_ok(first);
  sync_ok();

  const read_result by_read = read_ok({.topic = "held", .queue_id = 0, .offset = 0, .max_messages = 20});
  auto by_id = store().lookup_id(done[5].message_id);
  ASSERT_TRUE(by_id) << by_id.error().message;
  const read_result by_key = lookup_key_ok({.topic = "held", .key = "hold", .max_messages = 10});
  ASSERT_EQ(by_read.size(), 20u);
  const std::vector<message_copy> read_before = copies(by_read);
  const std::vector<message_copy> id_before = copies(by_id.value());
  const std::vector<message_copy> key_before = copies(by_key);

  // Thousands of appends to the same queues and others: any store structure that can grow,
  // move or be reused does so now.
  for (int round = 0; round < 50; ++round) {
    std::vector<message_builder> batch;
    for (int i = 0; i < 100; ++i) {
      message_builder m = message(i % 3 == 0 ? "held" : fmt::format("other-{}", i % 7),
                                  static_cast<uint32_t>(i % 2), std::string(300, static_cast<char>('a' + i % 26)));
      m.keys("hold");
      batch.push_back(std::move(m));
    }
    append_ok(batch);
  }
  sync_ok();

  EXPECT_EQ(copies(by_read), read_before);
  EXPECT_EQ(copies(by_id.value()), id_before);
  EXPECT_EQ(copies(by_key), key_before);
}

TEST_F(store_conformance, read_results_stay_valid_after_retention_deletes_the_oldest_unit) {
  // Fill until the store holds at least three units of retention (commit-log segments, or
  // messages for a store that deletes message by message), with 64 KiB bodies.
  std::vector<appended> done;
  for (uint64_t bytes = 0; bytes < (48u << 20);) {
    std::vector<message_builder> batch;
    for (int i = 0; i < 8; ++i) {
      const size_t n = done.size() + batch.size();
      batch.push_back(message("aging", 0, std::string(64u << 10, static_cast<char>('A' + n % 26))));
      bytes += 64u << 10;
    }
    for (appended& a : append_ok(batch)) done.push_back(std::move(a));
    sync_ok();
    auto stats = store().stats();
    ASSERT_TRUE(stats) << stats.error().message;
    if (stats.value().unit_count >= 3) break;
  }
  const read_result held = read_ok({.topic = "aging", .queue_id = 0, .offset = 0, .max_messages = 4,
                                    .max_bytes = 64u << 20});
  ASSERT_EQ(held.size(), 4u);
  const std::vector<message_copy> before = copies(held);

  auto report = store().run_retention(BERTH_RETENTION_OLDEST);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_GE(report.value().units_deleted, 1u) << "BERTH_RETENTION_OLDEST deleted nothing from "
                                              << done.size() << " messages";
  EXPECT_GT(report.value().bytes_freed, 0u);
  EXPECT_GT(report.value().log_min_offset, done.front().log_offset);

  // The held views still read what they read before: retention waits for their release.
  EXPECT_EQ(copies(held), before);

  // And the first message is gone for everyone else.
  auto bounds = store().bounds("aging", 0);
  ASSERT_TRUE(bounds) << bounds.error().message;
  EXPECT_GT(bounds.value().min_offset, 0u);
  EXPECT_EQ(bounds.value().max_offset, done.size());
  const read_result gone = read_ok({.topic = "aging", .queue_id = 0, .offset = 0});
  EXPECT_EQ(gone.status(), BERTH_READ_BEFORE_START);
  auto lookup = store().lookup_id(done.front().message_id);
  ASSERT_FALSE(lookup) << "the deleted first message is still found by id";
  EXPECT_EQ(lookup.error().code, BERTH_E_NOT_FOUND);
  auto stats = store().stats();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats.value().log_min_offset, report.value().log_min_offset);
}

namespace {

struct done_record {
  std::atomic<int> calls{0};
  std::atomic<berth_status> status{BERTH_E_INTERNAL};
};

void record_done(void* arg, berth_status status, const char*) {
  auto* record = static_cast<done_record*>(arg);
  record->status = status;
  ++record->calls;
}

}  // namespace

TEST_F(store_conformance, append_calls_done_exactly_once_per_batch) {
  // Straight through the ABI: the facade would hide a second call.
  constexpr size_t batches = 40;
  std::vector<done_record> records(batches);
  std::vector<std::vector<berth_append_result>> results(batches);
  std::vector<message_builder> messages;
  for (int i = 0; i < 3; ++i) messages.push_back(message("done", static_cast<uint32_t>(i), "d"));
  const std::vector<const berth_message_view*> views = kernel::store::views_of(messages);
  for (size_t b = 0; b < batches; ++b) {
    results[b].resize(views.size());
    for (berth_append_result& r : results[b]) r.struct_size = sizeof r;
    std::array<char, 256> error{};
    berth_errbuf err{error.data(), error.size()};
    const berth_status status = harness().ops().append(
        harness().handle(), views.data(), static_cast<uint32_t>(views.size()), results[b].data(),
        sizeof(berth_append_result), &record_done, &records[b], &err);
    ASSERT_EQ(status, BERTH_OK) << error.data();
  }
  sync_ok();
  ASSERT_TRUE(eventually([&] {
    for (const done_record& r : records) if (r.calls == 0) return false;
    return true;
  })) << "some done callbacks never came";
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // room for a wrong second call
  for (size_t b = 0; b < batches; ++b) {
    EXPECT_EQ(records[b].calls, 1) << "batch " << b;
    EXPECT_EQ(records[b].status, BERTH_OK) << "batch " << b;
    EXPECT_EQ(results[b][2].queue_offset, b) << "batch " << b;
  }
}

TEST_F(store_conformance, append_async_delivers_the_assigned_offsets_once) {
  constexpr int batches = 20;
  std::mutex mutex;
  std::vector<std::vector<appended>> delivered(batches);
  std::vector<int> calls(batches, 0);
  std::vector<std::string> errors;
  for (int b = 0; b < batches; ++b) {
    std::vector<message_builder> batch;
    for (int i = 0; i < 3; ++i) batch.push_back(message("async", 0, fmt::format("{}-{}", b, i)));
    // The builders die at the end of this iteration, long before a late done callback.
    store().append_async(kernel::store::views_of(batch), [&, b](result<std::vector<appended>> r) {
      std::lock_guard lock(mutex);
      ++calls[static_cast<size_t>(b)];
      if (r) delivered[static_cast<size_t>(b)] = std::move(r).value();
      else errors.push_back(r.error().message);
    });
  }
  sync_ok();
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return std::all_of(calls.begin(), calls.end(), [](int c) { return c > 0; });
  }));
  std::lock_guard lock(mutex);
  EXPECT_TRUE(errors.empty()) << errors.front();
  const std::vector<message_copy> stored = read_all("async", 0);
  ASSERT_EQ(stored.size(), 3u * batches);
  for (int b = 0; b < batches; ++b) {
    EXPECT_EQ(calls[static_cast<size_t>(b)], 1);
    ASSERT_EQ(delivered[static_cast<size_t>(b)].size(), 3u);
    for (int i = 0; i < 3; ++i) {
      const appended& a = delivered[static_cast<size_t>(b)][static_cast<size_t>(i)];
      ASSERT_LT(a.queue_offset, stored.size());
      const message_copy& m = stored[a.queue_offset];
      EXPECT_EQ(m.message_id, a.message_id);
      EXPECT_EQ(std::string(m.body.begin(), m.body.end()), fmt::format("{}-{}", b, i));
    }
  }
}

TEST_F(store_conformance, sync_succeeds_on_an_empty_store_and_after_appends) {
  EXPECT_TRUE(store().sync());
  append_one(message("synced", 0, "s"));
  auto synced = store().sync();
  EXPECT_TRUE(synced) << synced.error().message;
  auto bounds = store().bounds("synced", 0);
  ASSERT_TRUE(bounds) << "sync() returned before the message was visible: " << bounds.error().message;
  EXPECT_EQ(bounds.value().max_offset, 1u);
}

}  // namespace berth::conformance
