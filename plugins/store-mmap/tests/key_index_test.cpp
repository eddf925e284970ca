// The key index on real files: collisions, time ranges, order, rolling, reload, damage,
// truncation, retention and lookups running beside put().
#include "key_index.hpp"
#include "mapped_file.hpp"

#include <berth/plugin/error.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <thread>
#include <vector>

namespace berth::store_mmap {
namespace {

namespace fs = std::filesystem;

constexpr int64_t all_time_begin = INT64_MIN;
constexpr int64_t all_time_end = INT64_MAX;

class KeyIndex : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "berth-index-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    dir_ = root_ / "index";
  }
  void TearDown() override { fs::remove_all(root_); }

  [[nodiscard]] key_index make(uint32_t slots = 64, uint32_t entries = 100) const {
    return key_index({dir_, slots, entries});
  }
  [[nodiscard]] fs::path file(uint64_t name) const { return dir_ / offset_file_name(name); }
  [[nodiscard]] std::vector<fs::path> files() const {
    std::vector<fs::path> out;
    if (!fs::exists(dir_)) return out;
    for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
  }
  static std::vector<uint64_t> all(const key_index& index, std::string_view key,
                                   std::string_view topic = "orders") {
    return index.lookup(topic, key, all_time_begin, all_time_end, 1000);
  }
  // Record i: at log offset 100 * i, stored at 1000 + i, key "k<i>".
  static void put_records(key_index& index, uint64_t from, uint64_t to) {
    for (uint64_t i = from; i < to; ++i) {
      index.put("orders", "k" + std::to_string(i), 100 * i, static_cast<int64_t>(1000 + i));
      index.advance(100 * i + 100);
    }
  }
  static void flip_byte(const fs::path& path, uint64_t at) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.is_open()) << path;
    f.seekg(static_cast<std::streamoff>(at));
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x10);
    f.seekp(static_cast<std::streamoff>(at));
    f.write(&c, 1);
    ASSERT_TRUE(f.good());
  }
  static bool mentions(const std::vector<std::string>& problems, const std::string& what) {
    return std::any_of(problems.begin(), problems.end(),
                       [&](const std::string& p) { return p.find(what) != std::string::npos; });
  }

  fs::path root_;
  fs::path dir_;
};

using offsets = std::vector<uint64_t>;

TEST_F(KeyIndex, FindsEveryKeyDespiteSlotCollisions) {
  auto index = make(4, 1000);  // 200 keys in 4 slots: long chains
  put_records(index, 0, 200);
  for (uint64_t i = 0; i < 200; ++i) {
    EXPECT_EQ(all(index, "k" + std::to_string(i)), offsets{100 * i}) << "k" << i;
  }
  EXPECT_TRUE(all(index, "absent").empty());
  EXPECT_EQ(files().size(), 1u);
}

TEST_F(KeyIndex, TheTopicIsPartOfTheKey) {
  auto index = make();
  index.put("orders", "same", 100, 1);
  index.put("payments", "same", 200, 2);
  EXPECT_EQ(all(index, "same", "orders"), offsets{100});
  EXPECT_EQ(all(index, "same", "payments"), offsets{200});
  EXPECT_TRUE(all(index, "same", "other").empty());
}

TEST_F(KeyIndex, ReturnsNewestFirstAndAtMostMax) {
  auto index = make(8, 1000);
  for (uint64_t i = 0; i < 50; ++i) {
    index.put("orders", "hot", 100 * i, static_cast<int64_t>(i));
    index.put("orders", "other" + std::to_string(i), 100 * i, static_cast<int64_t>(i));
  }
  EXPECT_EQ(index.lookup("orders", "hot", all_time_begin, all_time_end, 3),
            (offsets{4900, 4800, 4700}));
  EXPECT_EQ(all(index, "hot").size(), 50u);
  EXPECT_TRUE(index.lookup("orders", "hot", all_time_begin, all_time_end, 0).empty());
}

TEST_F(KeyIndex, FiltersByStoreTimeInclusive) {
  auto index = make(8, 1000);
  for (uint64_t i = 0; i < 100; ++i) {
    index.put("orders", "hot", 100 * i, static_cast<int64_t>(100 + i));
  }
  const auto found = index.lookup("orders", "hot", 150, 153, 100);
  EXPECT_EQ(found, (offsets{5300, 5200, 5100, 5000}));
  EXPECT_TRUE(index.lookup("orders", "hot", 300, 400, 100).empty()) << "after every entry";
  EXPECT_TRUE(index.lookup("orders", "hot", 0, 99, 100).empty()) << "before every entry";
  EXPECT_TRUE(index.lookup("orders", "hot", 160, 150, 100).empty()) << "begin after end";
}

TEST_F(KeyIndex, RollsToANewFileNamedByItsFirstLogOffsetWhenFull) {
  auto index = make(16, 10);  // 9 entries a file: entry 0 is never used
  put_records(index, 0, 25);
  EXPECT_EQ(files(), (std::vector<fs::path>{file(0), file(900), file(1800)}));
  for (uint64_t i = 0; i < 25; ++i) {
    EXPECT_EQ(all(index, "k" + std::to_string(i)), offsets{100 * i}) << i;
  }

  // One key in every file: newest file first.
  auto fresh = key_index({root_ / "other", 16, 10});
  for (uint64_t i = 0; i < 27; ++i) {
    fresh.put("orders", i % 9 == 0 ? "marker" : "k" + std::to_string(i), 100 * i, 1);
  }
  EXPECT_EQ(all(fresh, "marker"), (offsets{1800, 900, 0}));
}

TEST_F(KeyIndex, TimeRangeSkipsWholeFilesAndStillFindsTheRest) {
  auto index = make(16, 10);
  for (uint64_t i = 0; i < 27; ++i) {
    index.put("orders", "hot", 100 * i, static_cast<int64_t>(i * 10));
  }
  // Files hold times 0..80, 90..170, 180..260.
  EXPECT_EQ(index.lookup("orders", "hot", 85, 95, 10), offsets{900});
  EXPECT_EQ(index.lookup("orders", "hot", 170, 180, 10), (offsets{1800, 1700}));
}

TEST_F(KeyIndex, ARecordWithMoreKeysThanAFileHoldsStillGetsUniqueFileNames) {
  auto index = make(4, 2);  // one entry a file
  index.put("orders", "a", 500, 1);
  index.put("orders", "b", 500, 1);
  index.put("orders", "c", 500, 1);
  EXPECT_EQ(files(), (std::vector<fs::path>{file(500), file(501), file(502)}));
  EXPECT_EQ(all(index, "b"), offsets{500});
  EXPECT_EQ(all(index, "c"), offsets{500});
}

TEST_F(KeyIndex, ReopenAndLoadFindsTheSameEntries) {
  {
    auto index = make(16, 10);
    put_records(index, 0, 25);
    index.flush();
    EXPECT_EQ(index.indexed_up_to(), 2500u);
  }
  auto index = make(16, 10);
  const auto report = index.load();
  EXPECT_TRUE(report.problems.empty()) << report.problems.front();
  EXPECT_EQ(report.files, 3u);
  EXPECT_EQ(index.indexed_up_to(), 2500u);
  for (uint64_t i = 0; i < 25; ++i) {
    EXPECT_EQ(all(index, "k" + std::to_string(i)), offsets{100 * i}) << i;
  }
  put_records(index, 25, 30);
  EXPECT_EQ(all(index, "k29"), offsets{2900});
}

TEST_F(KeyIndex, FilesKeepTheirOwnGeometryWhenTheConfigChanges) {
  {
    auto index = make(16, 10);
    put_records(index, 0, 12);
  }
  auto index = make(64, 100);
  EXPECT_TRUE(index.load().problems.empty());
  put_records(index, 12, 20);  // fills the old newest file, then rolls with the new geometry
  for (uint64_t i = 0; i < 20; ++i) {
    EXPECT_EQ(all(index, "k" + std::to_string(i)), offsets{100 * i}) << i;
  }
}

TEST_F(KeyIndex, DamagedHeaderIsReportedAndTheFileAndLaterOnesDeleted) {
  {
    auto index = make(16, 10);
    put_records(index, 0, 25);  // files 0, 900, 1800
  }
  flip_byte(file(900), 9);  // the slot count: covered by the header crc
  auto index = make(16, 10);
  const auto report = index.load();
  EXPECT_TRUE(mentions(report.problems, file(900).string() + ": header checksum mismatch"));
  EXPECT_TRUE(mentions(report.problems, file(1800).string()));
  EXPECT_EQ(report.files, 1u);
  EXPECT_EQ(files(), std::vector<fs::path>{file(0)});
  // Recovery re-dispatches from here to rebuild what was deleted.
  EXPECT_EQ(index.indexed_up_to(), 900u);
  EXPECT_EQ(all(index, "k3"), offsets{300});
  EXPECT_TRUE(all(index, "k12").empty());
  put_records(index, 9, 25);
  EXPECT_EQ(all(index, "k12"), offsets{1200});
}

TEST_F(KeyIndex, NewestFileWithoutAHeaderIsDeleted) {
  {
    auto index = make(16, 10);
    put_records(index, 0, 12);  // files 0, 900
  }
  std::vector<char> zeros(64, 0);
  std::fstream(file(900), std::ios::in | std::ios::out | std::ios::binary).write(zeros.data(), 64);
  std::ofstream(dir_ / "stray.tmp") << "x";
  auto index = make(16, 10);
  const auto report = index.load();
  EXPECT_TRUE(mentions(report.problems, file(900).string() + ": not an index file"));
  EXPECT_TRUE(mentions(report.problems, "stray.tmp: not a file of the store; ignored"));
  EXPECT_FALSE(fs::exists(file(900)));
  EXPECT_TRUE(fs::exists(dir_ / "stray.tmp"));
  EXPECT_EQ(index.indexed_up_to(), 900u);
}

TEST_F(KeyIndex, WrongSizeAndOutOfRangeCountAreDamage) {
  {
    auto index = make(16, 10);
    put_records(index, 0, 12);  // files 0, 900
  }
  fs::resize_file(file(900), fs::file_size(file(900)) - 24);
  auto index = make(16, 10);
  const auto report = index.load();
  EXPECT_TRUE(mentions(report.problems, file(900).string() + ": size"));

  // Entry count far beyond capacity (byte 31 is the count's top byte).
  flip_byte(file(0), 31);
  auto again = make(16, 10);
  const auto second = again.load();
  EXPECT_TRUE(mentions(second.problems, "entry count"));
  EXPECT_EQ(second.files, 0u);
  EXPECT_EQ(again.indexed_up_to(), 0u);
}

TEST_F(KeyIndex, PutSkipsRecordsBelowIndexedUpTo) {
  auto index = make();
  index.advance(500);
  index.put("orders", "old", 400, 1);
  index.put("orders", "new", 500, 1);
  EXPECT_TRUE(all(index, "old").empty());
  EXPECT_EQ(all(index, "new"), offsets{500});
  index.advance(300);  // never backwards
  EXPECT_EQ(index.indexed_up_to(), 500u);
}

TEST_F(KeyIndex, TheSameKeyOfTheSameRecordIsIndexedOnce) {
  auto index = make(4, 100);
  index.put("orders", "a", 100, 1);
  index.put("orders", "b", 100, 1);
  index.put("orders", "a", 100, 1);  // a re-dispatch of a record cut short
  index.put("orders", "b", 100, 1);
  EXPECT_EQ(all(index, "a"), offsets{100});
  EXPECT_EQ(all(index, "b"), offsets{100});
}

TEST_F(KeyIndex, TruncateToLogHidesEntriesAtOrAfterTheCut) {
  auto index = make(4, 100);  // collisions, so void entries sit inside chains
  for (uint64_t i = 0; i < 10; ++i) {
    index.put("orders", "hot", 100 * i, 1);
    index.put("orders", "k" + std::to_string(i), 100 * i, 1);
    index.advance(100 * i + 100);
  }
  index.truncate_to_log(550);
  EXPECT_EQ(index.indexed_up_to(), 550u);
  EXPECT_EQ(all(index, "hot"), (offsets{500, 400, 300, 200, 100, 0}));
  EXPECT_TRUE(all(index, "k6").empty());
  EXPECT_EQ(all(index, "k5"), offsets{500});

  // New records after the cut reuse the room; the chains stay whole.
  index.put("orders", "hot", 550, 1);
  index.put("orders", "k6", 550, 1);
  EXPECT_EQ(all(index, "hot"), (offsets{550, 500, 400, 300, 200, 100, 0}));
  EXPECT_EQ(all(index, "k6"), offsets{550});
  index.advance(600);

  auto reopened = make(4, 100);
  EXPECT_TRUE(reopened.load().problems.empty());
  EXPECT_EQ(all(reopened, "hot"), (offsets{550, 500, 400, 300, 200, 100, 0}));
  EXPECT_TRUE(all(reopened, "k9").empty());
}

TEST_F(KeyIndex, TruncateToLogDropsFilesThatBeginAtOrAfterTheCut) {
  auto index = make(16, 10);
  put_records(index, 0, 25);  // files 0, 900, 1800
  index.truncate_to_log(900);
  EXPECT_EQ(files(), std::vector<fs::path>{file(0)});
  EXPECT_EQ(index.indexed_up_to(), 900u);
  EXPECT_EQ(all(index, "k8"), offsets{800});
  EXPECT_TRUE(all(index, "k9").empty());
  put_records(index, 9, 12);
  EXPECT_EQ(all(index, "k11"), offsets{1100});

  index.truncate_to_log(0);
  EXPECT_TRUE(files().empty());
  EXPECT_TRUE(all(index, "k1").empty());
}

TEST_F(KeyIndex, RemoveBelowLogNeverRemovesTheNewestFile) {
  auto index = make(16, 10);
  put_records(index, 0, 25);  // files 0 (last entry 800), 900 (1700), 1800
  const uint64_t file_size = fs::file_size(file(0));
  EXPECT_EQ(index.remove_below_log(800), 0u) << "file 0 still has an entry at 800";
  EXPECT_EQ(index.remove_below_log(801), file_size);
  EXPECT_EQ(files(), (std::vector<fs::path>{file(900), file(1800)}));
  EXPECT_EQ(index.remove_below_log(UINT64_MAX), file_size);
  EXPECT_EQ(files(), std::vector<fs::path>{file(1800)});
  EXPECT_EQ(all(index, "k24"), offsets{2400});
  EXPECT_TRUE(all(index, "k3").empty());
}

TEST_F(KeyIndex, ConcurrentLookupsWhilePutting) {
  constexpr uint64_t total = 3000;
  auto index = make(16, 1000);  // rolls about every 500 records
  std::atomic<uint64_t> published{0};
  std::atomic<bool> done{false};
  std::atomic<uint64_t> bad{0};
  std::atomic<uint64_t> lookups{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&, r] {
      std::mt19937_64 rng(static_cast<uint64_t>(r));
      while (!done.load()) {
        const uint64_t n = published.load();
        if (n == 0) continue;
        const uint64_t i = rng() % n;
        // "k<i>" was put before `published` passed i; "hot" is in every record.
        if (all(index, "k" + std::to_string(i)) != offsets{100 * i}) bad.fetch_add(1);
        const auto hot = index.lookup("orders", "hot", all_time_begin, all_time_end, 5);
        if (hot.empty() || !std::is_sorted(hot.rbegin(), hot.rend())) bad.fetch_add(1);
        lookups.fetch_add(1);
      }
    });
  }
  for (uint64_t i = 0; i < total; ++i) {
    index.put("orders", "k" + std::to_string(i), 100 * i, static_cast<int64_t>(i));
    index.put("orders", "hot", 100 * i, static_cast<int64_t>(i));
    index.advance(100 * i + 100);
    published.store(i + 1);
    // Halfway, let the readers in (on a busy machine they may not have run yet), so that
    // lookups really overlap the puts of the second half.
    if (i == total / 2) {
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (lookups.load() == 0 && std::chrono::steady_clock::now() < until) {
        std::this_thread::yield();
      }
    }
  }
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0u);
  EXPECT_GT(lookups.load(), 0u);
  EXPECT_EQ(files().size(), 7u);
}

TEST_F(KeyIndex, ConstructorRefusesAnUnusableGeometry) {
  EXPECT_THROW(key_index({dir_, 0, 100}), sdk::plugin_error);
  EXPECT_THROW(key_index({dir_, 16, 1}), sdk::plugin_error);
}

}  // namespace
}  // namespace berth::store_mmap
