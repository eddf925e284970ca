// The consume queue on real files: bounds, reload, damage found by load(), the put rules,
// time search, truncation, retention and concurrent readers.
#include "consume_queue.hpp"
#include "mapped_file.hpp"

#include <berth/plugin/error.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <thread>
#include <vector>

namespace berth::store_mmap {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t per_file = 4;
constexpr uint64_t file_bytes = per_file * consume_queue_entry_size;

class ConsumeQueue : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "berth-cq-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    dir_ = root_ / "orders" / "3";
  }
  void TearDown() override { fs::remove_all(root_); }

  [[nodiscard]] consume_queue make(uint64_t entries_per_file = per_file) const {
    return consume_queue(dir_, "orders", 3, entries_per_file);
  }
  [[nodiscard]] fs::path file(uint64_t start) const { return dir_ / offset_file_name(start); }

  // Entry q of these tests: records of 100 bytes, one after another.
  static queue_entry entry_for(uint64_t q) {
    return {1000 + q * 100, 100, q * 7 + 1, static_cast<int64_t>(5000 + q)};
  }
  static void put_range(consume_queue& cq, uint64_t from, uint64_t to) {
    for (uint64_t q = from; q < to; ++q) cq.put(q, entry_for(q));
  }
  static void expect_entry(const queue_entry& got, uint64_t q) {
    const queue_entry want = entry_for(q);
    EXPECT_EQ(got.log_offset, want.log_offset) << "q=" << q;
    EXPECT_EQ(got.size, want.size) << "q=" << q;
    EXPECT_EQ(got.tag_hash, want.tag_hash) << "q=" << q;
    EXPECT_EQ(got.store_time_ms, want.store_time_ms) << "q=" << q;
  }
  static void overwrite(const fs::path& path, uint64_t at, const std::vector<uint8_t>& bytes) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.is_open()) << path;
    f.seekp(static_cast<std::streamoff>(at));
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(f.good());
  }
  static bool mentions(const std::vector<std::string>& problems, const std::string& what) {
    for (const auto& p : problems) {
      if (p.find(what) != std::string::npos) return true;
    }
    return false;
  }

  fs::path root_;
  fs::path dir_;
};

TEST_F(ConsumeQueue, PutThenGetAcrossFileBoundaries) {
  auto cq = make();
  put_range(cq, 0, 10);
  EXPECT_EQ(cq.min_offset(), 0u);
  EXPECT_EQ(cq.max_offset(), 10u);
  EXPECT_EQ(cq.last_log_end(), 1000u + 10 * 100);
  EXPECT_TRUE(fs::exists(file(0)));
  EXPECT_TRUE(fs::exists(file(4)));
  EXPECT_TRUE(fs::exists(file(8)));
  EXPECT_EQ(fs::file_size(file(8)), file_bytes);

  std::vector<queue_entry> out(16);
  ASSERT_EQ(cq.get(0, out), 10u);
  for (uint64_t q = 0; q < 10; ++q) expect_entry(out[q], q);
  ASSERT_EQ(cq.get(3, std::span(out).first(3)), 3u);  // 3 | 4 5, two files
  for (uint64_t i = 0; i < 3; ++i) expect_entry(out[i], 3 + i);
  EXPECT_EQ(cq.get(10, out), 0u);
  EXPECT_EQ(cq.get(99, out), 0u);
}

TEST_F(ConsumeQueue, EmptyQueueHasNothingToRead) {
  auto cq = make();
  EXPECT_TRUE(cq.load().problems.empty());
  std::vector<queue_entry> out(4);
  EXPECT_EQ(cq.get(0, out), 0u);
  EXPECT_EQ(cq.min_offset(), 0u);
  EXPECT_EQ(cq.max_offset(), 0u);
  EXPECT_EQ(cq.last_log_end(), 0u);
  EXPECT_EQ(cq.offset_by_time(0), 0u);
  EXPECT_FALSE(fs::exists(dir_)) << "no directory until the first put";
}

TEST_F(ConsumeQueue, ReopenAndLoadGivesTheSameBoundsAndEntries) {
  {
    auto cq = make();
    put_range(cq, 0, 10);
    cq.flush();
  }
  auto cq = make();
  const auto report = cq.load();
  EXPECT_TRUE(report.problems.empty()) << report.problems.front();
  EXPECT_EQ(report.entries, 10u);
  EXPECT_EQ(cq.min_offset(), 0u);
  EXPECT_EQ(cq.max_offset(), 10u);
  EXPECT_EQ(cq.last_log_end(), 2000u);
  std::vector<queue_entry> out(10);
  ASSERT_EQ(cq.get(0, out), 10u);
  for (uint64_t q = 0; q < 10; ++q) expect_entry(out[q], q);
  cq.put(10, entry_for(10));
  EXPECT_EQ(cq.max_offset(), 11u);
}

TEST_F(ConsumeQueue, LoadCutsATornLastEntryAndReportsWhere) {
  {
    auto cq = make();
    put_range(cq, 0, 6);
  }
  // Entry 5 is entry 1 of file 4: its second half never reached the disk.
  overwrite(file(4), 1 * consume_queue_entry_size + 16, std::vector<uint8_t>(16, 0));
  auto cq = make();
  const auto report = cq.load();
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_TRUE(mentions(report.problems, file(4).string()));
  EXPECT_TRUE(mentions(report.problems, "entry 5 (byte 32)"));
  EXPECT_EQ(cq.max_offset(), 5u);
  EXPECT_EQ(cq.last_log_end(), entry_for(4).log_offset + 100);

  cq.put(5, entry_for(5));  // the dispatcher writes it again
  auto again = make();
  EXPECT_TRUE(again.load().problems.empty());
  EXPECT_EQ(again.max_offset(), 6u);
}

TEST_F(ConsumeQueue, LoadCutsAtGarbageAndForgetsEverythingBehindIt) {
  {
    auto cq = make();
    put_range(cq, 0, 10);
  }
  overwrite(file(4), 2 * consume_queue_entry_size, std::vector<uint8_t>(20, 0xAB));  // entry 6
  {
    auto cq = make();
    const auto report = cq.load();
    EXPECT_TRUE(mentions(report.problems, "entry 6"));
    EXPECT_TRUE(mentions(report.problems, "checksum"));
    EXPECT_TRUE(mentions(report.problems, file(8).string())) << "the later file is removed";
    EXPECT_EQ(cq.max_offset(), 6u);
    EXPECT_FALSE(fs::exists(file(8)));
  }
  // The cut was made on disk: a second load finds a clean end, not the stale entry 7.
  auto cq = make();
  const auto report = cq.load();
  EXPECT_TRUE(report.problems.empty()) << report.problems.front();
  EXPECT_EQ(cq.max_offset(), 6u);
}

TEST_F(ConsumeQueue, LoadCutsWhereLogOffsetsGoBackwards) {
  {
    auto cq = make();
    cq.put(0, {1000, 100, 0, 1});
    cq.put(1, {1100, 100, 0, 2});
    cq.put(2, {500, 100, 0, 3});  // not the dispatcher's order
  }
  auto cq = make();
  const auto report = cq.load();
  EXPECT_TRUE(mentions(report.problems, "entry 2"));
  EXPECT_TRUE(mentions(report.problems, "goes back"));
  EXPECT_EQ(cq.max_offset(), 2u);
}

TEST_F(ConsumeQueue, LoadCutsAtAFileOfTheWrongSizeOrAGap) {
  {
    auto cq = make();
    put_range(cq, 0, 14);  // files 0 4 8 12
  }
  fs::resize_file(file(8), file_bytes / 2);
  auto cq = make();
  const auto report = cq.load();
  EXPECT_TRUE(mentions(report.problems, file(8).string() + ": size"));
  EXPECT_TRUE(mentions(report.problems, file(12).string()));
  EXPECT_EQ(cq.max_offset(), 8u);
  EXPECT_FALSE(fs::exists(file(8)));
  EXPECT_FALSE(fs::exists(file(12)));

  fs::remove(file(0));  // a gap at the start is no gap: the queue starts at 4
  auto from_four = make();
  EXPECT_TRUE(from_four.load().problems.empty());
  EXPECT_EQ(from_four.min_offset(), 4u);
  EXPECT_EQ(from_four.max_offset(), 8u);
}

TEST_F(ConsumeQueue, LoadCutsAtAGapBetweenFiles) {
  {
    auto cq = make();
    put_range(cq, 0, 10);  // files 0 4 8
  }
  fs::remove(file(4));
  auto cq = make();
  const auto report = cq.load();
  EXPECT_TRUE(mentions(report.problems, file(8).string() + ": gap"));
  EXPECT_EQ(cq.max_offset(), 4u);
  EXPECT_FALSE(fs::exists(file(8)));
}

TEST_F(ConsumeQueue, LoadReportsButKeepsForeignFiles) {
  {
    auto cq = make();
    put_range(cq, 0, 2);
  }
  std::ofstream(dir_ / "notes.txt") << "hello";
  auto cq = make();
  const auto report = cq.load();
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_TRUE(mentions(report.problems, "notes.txt: not a file of the store; ignored"));
  EXPECT_TRUE(fs::exists(dir_ / "notes.txt"));
  EXPECT_EQ(cq.max_offset(), 2u);
}

TEST_F(ConsumeQueue, PutBelowMaxIsIgnored) {
  auto cq = make();
  put_range(cq, 0, 5);
  cq.put(2, {9999, 1, 1, 1});
  cq.put(0, {9999, 1, 1, 1});
  EXPECT_EQ(cq.max_offset(), 5u);
  std::vector<queue_entry> out(5);
  ASSERT_EQ(cq.get(0, out), 5u);
  expect_entry(out[0], 0);
  expect_entry(out[2], 2);
  EXPECT_EQ(cq.last_log_end(), entry_for(4).log_offset + 100);
}

TEST_F(ConsumeQueue, PutOfSizeZeroIsRefused) {
  auto cq = make();
  EXPECT_THROW(cq.put(0, {100, 0, 0, 1}), sdk::plugin_error);
  EXPECT_EQ(cq.max_offset(), 0u);
}

TEST_F(ConsumeQueue, NewQueueMayStartAboveZero) {
  {
    auto cq = make();
    put_range(cq, 6, 9);  // mid-file 4, then file 8
    EXPECT_EQ(cq.min_offset(), 6u);
    EXPECT_EQ(cq.max_offset(), 9u);
    std::vector<queue_entry> out(4);
    EXPECT_EQ(cq.get(5, out), 0u);
    ASSERT_EQ(cq.get(6, out), 3u);
    expect_entry(out[0], 6);
    EXPECT_FALSE(fs::exists(file(0)));
  }
  auto cq = make();
  const auto report = cq.load();
  EXPECT_TRUE(report.problems.empty()) << report.problems.front();
  EXPECT_EQ(cq.min_offset(), 6u) << "the blank entries before the start are not entries";
  EXPECT_EQ(cq.max_offset(), 9u);
  EXPECT_EQ(report.entries, 3u);
}

TEST_F(ConsumeQueue, PutAboveMaxRestartsTheQueueThere) {
  {
    auto cq = make();
    put_range(cq, 0, 6);  // files 0 4
    cq.put(13, entry_for(13));
    EXPECT_EQ(cq.min_offset(), 13u);
    EXPECT_EQ(cq.max_offset(), 14u);
    std::vector<queue_entry> out(4);
    EXPECT_EQ(cq.get(2, out), 0u);
    EXPECT_FALSE(fs::exists(file(0)));
    EXPECT_FALSE(fs::exists(file(4)));
  }
  auto cq = make();
  EXPECT_TRUE(cq.load().problems.empty());
  EXPECT_EQ(cq.min_offset(), 13u);
  EXPECT_EQ(cq.max_offset(), 14u);
}

TEST_F(ConsumeQueue, PutAboveMaxInTheSameFileBlanksTheOldEntries) {
  {
    auto cq = make(8);
    put_range(cq, 0, 3);
    cq.put(6, entry_for(6));
    EXPECT_EQ(cq.min_offset(), 6u);
  }
  auto cq = make(8);
  const auto report = cq.load();
  EXPECT_TRUE(report.problems.empty()) << report.problems.front();
  EXPECT_EQ(cq.min_offset(), 6u);
  EXPECT_EQ(cq.max_offset(), 7u);
}

TEST_F(ConsumeQueue, OffsetByTimeFindsTheFirstEntryAtOrAfter) {
  auto cq = make();
  const int64_t times[] = {100, 200, 200, 200, 300, 400};
  for (uint64_t q = 0; q < 6; ++q) cq.put(q, {q * 100, 100, 0, times[q]});
  EXPECT_EQ(cq.offset_by_time(50), 0u) << "before all";
  EXPECT_EQ(cq.offset_by_time(100), 0u);
  EXPECT_EQ(cq.offset_by_time(150), 1u);
  EXPECT_EQ(cq.offset_by_time(200), 1u) << "the first of equal times";
  EXPECT_EQ(cq.offset_by_time(201), 4u);
  EXPECT_EQ(cq.offset_by_time(400), 5u);
  EXPECT_EQ(cq.offset_by_time(401), 6u) << "after all: max_offset()";

  cq.remove_below_log(200);  // min becomes 2
  EXPECT_EQ(cq.offset_by_time(0), 2u) << "before all is the min, not 0";
  EXPECT_EQ(cq.offset_by_time(200), 2u);
}

TEST_F(ConsumeQueue, TruncateToLogDropsEntriesEndingAfterTheCut) {
  auto cq = make();
  put_range(cq, 0, 10);  // entry q covers [1000 + 100q, 1100 + 100q)
  cq.truncate_to_log(1650);  // entry 5 ends at 1600, entry 6 at 1700
  EXPECT_EQ(cq.max_offset(), 6u);
  EXPECT_EQ(cq.last_log_end(), 1600u);
  EXPECT_FALSE(fs::exists(file(8)));
  std::vector<queue_entry> out(8);
  EXPECT_EQ(cq.get(0, out), 6u);

  cq.truncate_to_log(1400);  // a file boundary: file 4 goes entirely
  EXPECT_EQ(cq.max_offset(), 4u);
  EXPECT_FALSE(fs::exists(file(4)));
  cq.truncate_to_log(99999);  // nothing after it
  EXPECT_EQ(cq.max_offset(), 4u);

  cq.put(4, {1400, 50, 0, 1});  // a new, different record after the cut
  auto reopened = make();
  EXPECT_TRUE(reopened.load().problems.empty());
  EXPECT_EQ(reopened.max_offset(), 5u);
  EXPECT_EQ(reopened.last_log_end(), 1450u);
}

TEST_F(ConsumeQueue, TruncateToLogZeroesOnDiskSoStaleEntriesNeverReturn) {
  {
    auto cq = make();
    put_range(cq, 0, 4);
    cq.truncate_to_log(1200);  // keeps 0 and 1
  }
  auto cq = make();
  EXPECT_TRUE(cq.load().problems.empty());
  EXPECT_EQ(cq.max_offset(), 2u);
}

TEST_F(ConsumeQueue, TruncateToLogBeforeEverythingEmptiesTheQueue) {
  auto cq = make();
  put_range(cq, 0, 6);
  cq.truncate_to_log(0);
  EXPECT_EQ(cq.max_offset(), 0u);
  EXPECT_EQ(cq.last_log_end(), 0u);
  EXPECT_FALSE(fs::exists(file(0)));
  cq.put(0, entry_for(0));
  EXPECT_EQ(cq.max_offset(), 1u);
}

TEST_F(ConsumeQueue, RemoveBelowLogRaisesMinAndDeletesWholeFiles) {
  auto cq = make();
  put_range(cq, 0, 10);
  // Entry 4 starts at 1400, entry 5 at 1500: everything below 1450 is gone from the log.
  EXPECT_EQ(cq.remove_below_log(1450), file_bytes);
  EXPECT_EQ(cq.min_offset(), 5u);
  EXPECT_FALSE(fs::exists(file(0)));
  EXPECT_TRUE(fs::exists(file(4)));
  std::vector<queue_entry> out(2);
  EXPECT_EQ(cq.get(4, out), 0u);
  ASSERT_EQ(cq.get(5, out), 2u);
  expect_entry(out[0], 5);
  EXPECT_EQ(cq.remove_below_log(1450), 0u) << "nothing more to free";
}

TEST_F(ConsumeQueue, RemoveBelowLogOfEverythingKeepsMaxForTheNextPut) {
  auto cq = make();
  put_range(cq, 0, 8);  // two full files
  EXPECT_EQ(cq.remove_below_log(1u << 30), 2 * file_bytes);
  EXPECT_EQ(cq.min_offset(), 8u);
  EXPECT_EQ(cq.max_offset(), 8u);
  cq.put(8, entry_for(8));
  auto reopened = make();
  EXPECT_TRUE(reopened.load().problems.empty());
  EXPECT_EQ(reopened.min_offset(), 8u);
  EXPECT_EQ(reopened.max_offset(), 9u);
}

TEST_F(ConsumeQueue, RemoveBelowLogKeepsThePartlyWrittenLastFile) {
  auto cq = make();
  put_range(cq, 0, 6);
  EXPECT_EQ(cq.remove_below_log(1u << 30), file_bytes);  // file 0 only
  EXPECT_EQ(cq.min_offset(), 6u);
  EXPECT_TRUE(fs::exists(file(4)));
  cq.put(6, entry_for(6));
  EXPECT_EQ(cq.max_offset(), 7u);
}

TEST_F(ConsumeQueue, EntriesReadBeforeRemovalStayValidAndReadersNeverSeeTorn) {
  constexpr uint64_t total = 4000;
  auto cq = make(256);  // 16 files: each new file costs two fsyncs
  put_range(cq, 0, total);
  std::vector<queue_entry> held(8);
  ASSERT_EQ(cq.get(0, held), 8u);

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> bad{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&, r] {
      std::mt19937_64 rng(static_cast<uint64_t>(r));
      std::vector<queue_entry> out(20);
      while (!stop.load()) {
        const uint64_t q = rng() % total;
        const size_t n = cq.get(q, out);
        for (size_t i = 0; i < n; ++i) {
          if (out[i].log_offset != entry_for(q + i).log_offset) bad.fetch_add(1);
        }
      }
    });
  }
  uint64_t freed = 0;
  for (uint64_t cut = 1000; cut <= 1000 + total * 100; cut += 3000) {
    freed += cq.remove_below_log(cut);
  }
  freed += cq.remove_below_log(UINT64_MAX);
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0u);
  // 15 full files; the 16th is only partly written, so the next put still goes there.
  EXPECT_EQ(freed, 15 * 256 * consume_queue_entry_size);
  EXPECT_EQ(cq.min_offset(), total);
  for (uint64_t q = 0; q < 8; ++q) expect_entry(held[q], q);  // copies, not views
}

TEST_F(ConsumeQueue, ConcurrentReadersWhileTheWriterPuts) {
  constexpr uint64_t total = 20000;
  auto cq = make(1024);  // 20 files, so readers meet new ones
  std::atomic<bool> done{false};
  std::atomic<uint64_t> bad{0};
  std::atomic<uint64_t> reads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&, r] {
      std::mt19937_64 rng(static_cast<uint64_t>(r) + 7);
      std::vector<queue_entry> out(16);
      uint64_t seen_max = 0;
      while (!done.load()) {
        const uint64_t max = cq.max_offset();
        if (max < seen_max) bad.fetch_add(1);  // never goes back
        seen_max = max;
        if (max == 0) continue;
        const uint64_t q = rng() % max;
        const size_t n = cq.get(q, out);
        if (n == 0) bad.fetch_add(1);  // below max is readable
        for (size_t i = 0; i < n; ++i) {
          const queue_entry want = entry_for(q + i);
          if (out[i].log_offset != want.log_offset || out[i].size != want.size ||
              out[i].tag_hash != want.tag_hash || out[i].store_time_ms != want.store_time_ms) {
            bad.fetch_add(1);
          }
        }
        if (cq.offset_by_time(entry_for(q).store_time_ms) != q) bad.fetch_add(1);
        reads.fetch_add(1);
      }
    });
  }
  put_range(cq, 0, total);
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0u);
  EXPECT_GT(reads.load(), 0u);
  EXPECT_EQ(cq.max_offset(), total);
}

TEST_F(ConsumeQueue, DestroyRemovesEveryFileAndTheDirectory) {
  auto cq = make();
  put_range(cq, 0, 6);
  cq.destroy();
  EXPECT_FALSE(fs::exists(dir_));
  EXPECT_EQ(cq.max_offset(), 0u);
  cq.put(0, entry_for(0));  // usable again
  EXPECT_TRUE(fs::exists(file(0)));
}

TEST_F(ConsumeQueue, FlushSucceedsAndTheConstructorRefusesZeroEntriesPerFile) {
  auto cq = make();
  put_range(cq, 0, 6);
  EXPECT_NO_THROW(cq.flush());
  EXPECT_NO_THROW(cq.flush());
  EXPECT_THROW(consume_queue(dir_, "orders", 3, 0), sdk::plugin_error);
}

}  // namespace
}  // namespace berth::store_mmap
