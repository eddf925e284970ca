// The commit log on real files in a temporary directory, with small (64 KiB) segments so that
// a few hundred records roll several times.
#include "commit_log.hpp"
#include "temp_dir_fixture.hpp"

#include <berth/plugin/error.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <stdexcept>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace berth::store_mmap {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t seg_size = 64 * 1024;

using test::contains;
using test::thrown_by;

// The test's directory, with the commit log in commitlog/ inside it.
class commit_log_dir : public test::temp_dir {
 public:
  commit_log_dir() : temp_dir("commit-log") {}
  [[nodiscard]] fs::path log_dir() const { return path() / "commitlog"; }
  [[nodiscard]] fs::path segment(uint64_t start) const { return log_dir() / offset_file_name(start); }
  [[nodiscard]] commit_log::options options() const { return {log_dir(), seg_size}; }
};

// A record as appended: where it went and which message it holds.
struct appended {
  uint64_t offset = 0;
  uint32_t size = 0;
  uint64_t queue_offset = 0;
};

// Bodies follow from the queue offset, so a reader can tell a right record from a wrong one.
// No byte is zero, so zeroing any part of a record changes it.
std::vector<uint8_t> body_for(uint64_t queue_offset, size_t size) {
  std::vector<uint8_t> body(size);
  for (size_t i = 0; i < size; ++i) body[i] = static_cast<uint8_t>(1 + (queue_offset * 131 + i * 7) % 255);
  return body;
}

appended append_message(commit_log& log, uint64_t queue_offset, size_t body_size) {
  const std::string topic = "orders";
  const std::vector<uint8_t> body = body_for(queue_offset, body_size);
  berth_message_view v{};
  v.struct_size = sizeof v;
  v.topic = {topic.data(), topic.size()};
  v.queue_id = static_cast<uint32_t>(queue_offset % 4);
  v.body = {body.data(), body.size()};
  const size_t size = encoded_size(v);
  const uint64_t offset = log.append(size, [&](std::span<uint8_t> out, uint64_t at) {
    encode(v, {queue_offset, at, static_cast<int64_t>(1000 + queue_offset)}, out);
  });
  return {offset, static_cast<uint32_t>(size), queue_offset};
}

// Appends `count` records with bodies of 50..1500 bytes (seeded), queue offsets from `first`.
std::vector<appended> append_many(commit_log& log, size_t count, uint64_t first = 0,
                                  uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::vector<appended> out;
  for (size_t i = 0; i < count; ++i) out.push_back(append_message(log, first + i, 50 + rng() % 1451));
  return out;
}

// Checks a decoded record against the message it should hold.
::testing::AssertionResult holds_its_message(const decoded_record& r) {
  const std::vector<uint8_t> want = body_for(r.queue_offset, r.body.size());
  if (!std::equal(r.body.begin(), r.body.end(), want.begin())) {
    return ::testing::AssertionFailure() << "body of queue offset " << r.queue_offset;
  }
  if (r.topic != "orders" || r.store_time_ms != static_cast<int64_t>(1000 + r.queue_offset)) {
    return ::testing::AssertionFailure() << "fields of queue offset " << r.queue_offset;
  }
  return ::testing::AssertionSuccess();
}

// Everything readable, walked the way the dispatcher walks it.
std::vector<appended> read_all(const commit_log& log) {
  std::vector<appended> out;
  uint64_t offset = log.min_offset();
  while (offset < log.write_offset()) {
    const pinned_bytes pin = log.tail_at(offset);
    if (pin.bytes.empty()) {
      ADD_FAILURE() << "nothing readable at " << offset;
      break;
    }
    const decode_result r = decode(pin.bytes, offset, true);
    if (r.status == decode_status::blank) {
      offset = log.next_segment_start(offset);
      continue;
    }
    if (r.status != decode_status::record) {
      ADD_FAILURE() << "at " << offset << ": " << r.reason;
      break;
    }
    EXPECT_TRUE(holds_its_message(r.record));
    out.push_back({offset, r.size, r.record.queue_offset});
    offset += r.size;
  }
  return out;
}

void expect_same(const std::vector<appended>& a, const std::vector<appended>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].offset, b[i].offset) << i;
    EXPECT_EQ(a[i].size, b[i].size) << i;
    EXPECT_EQ(a[i].queue_offset, b[i].queue_offset) << i;
  }
}

std::vector<uint8_t> read_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0) << path;
  std::vector<uint8_t> out(static_cast<size_t>(fs::file_size(path)));
  EXPECT_EQ(::pread(fd, out.data(), out.size(), 0), static_cast<ssize_t>(out.size()));
  ::close(fd);
  return out;
}

void write_file(const fs::path& path, const std::vector<uint8_t>& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(::pwrite(fd, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
  ::close(fd);
}

bool all_zero(const std::vector<uint8_t>& bytes, uint64_t from) {
  for (uint64_t i = from; i < bytes.size(); ++i) {
    if (bytes[i] != 0) return false;
  }
  return true;
}

uint64_t inode(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_ino;
}

uint64_t segment_of(uint64_t offset) { return offset - offset % seg_size; }

// Reopens the log in `dir` and recovers it from `from`, collecting what on_record saw.
struct reopened {
  std::unique_ptr<commit_log> log;
  log_recovery recovery;
  std::vector<appended> replayed;
};

reopened reopen(const commit_log_dir& dir, uint64_t from = 0) {
  reopened r;
  r.log = std::make_unique<commit_log>(dir.options());
  r.recovery = r.log->recover(from, [&](const decoded_record& rec) {
    EXPECT_TRUE(holds_its_message(rec));
    r.replayed.push_back({rec.log_offset, rec.total_size, rec.queue_offset});
  });
  return r;
}

TEST(CommitLog, EmptyDirectoryIsAnEmptyLogAtZeroAndTheFirstAppendMakesSegmentZero) {
  commit_log_dir dir;
  commit_log log(dir.options());
  EXPECT_TRUE(fs::is_directory(dir.log_dir()));
  EXPECT_EQ(log.write_offset(), 0u);
  EXPECT_EQ(log.min_offset(), 0u);
  EXPECT_EQ(log.durable_offset(), 0u);
  EXPECT_TRUE(log.segments().empty());
  EXPECT_TRUE(log.tail_at(0).bytes.empty());
  EXPECT_TRUE(fs::is_empty(dir.log_dir()));

  const appended first = append_message(log, 0, 10);
  EXPECT_EQ(first.offset, 0u);
  EXPECT_EQ(log.write_offset(), first.size);
  ASSERT_EQ(log.segments().size(), 1u);
  EXPECT_EQ(log.segments()[0].start, 0u);
  EXPECT_EQ(log.segments()[0].path, dir.segment(0));
  EXPECT_EQ(fs::file_size(dir.segment(0)), seg_size);
}

TEST(CommitLog, RecoverOfAnEmptyDirectoryFindsNothing) {
  commit_log_dir dir;
  commit_log log(dir.options());
  const log_recovery r = log.recover(12345, [](const decoded_record&) { ADD_FAILURE(); });
  EXPECT_EQ(r.end_offset, 0u);
  EXPECT_EQ(r.records, 0u);
  EXPECT_TRUE(r.cut_reason.empty());
  EXPECT_EQ(append_message(log, 0, 10).offset, 0u);
}

TEST(CommitLog, AppendsReadBackInOrderAcrossSeveralRolls) {
  commit_log_dir dir;
  commit_log log(dir.options());
  const std::vector<appended> written = append_many(log, 400);
  const uint64_t end = written.back().offset + written.back().size;
  EXPECT_EQ(log.write_offset(), end);
  const std::vector<commit_log::segment_info> segments = log.segments();
  ASSERT_GE(segments.size(), 4u);
  for (size_t i = 0; i < segments.size(); ++i) {
    EXPECT_EQ(segments[i].start, i * seg_size);
    EXPECT_EQ(segments[i].path, dir.segment(i * seg_size));
  }
  expect_same(read_all(log), written);
  for (const appended& a : written) {
    // Whole in one segment, with room for the end-of-segment marker after it.
    EXPECT_EQ(segment_of(a.offset), segment_of(a.offset + a.size + blank_size - 1)) << a.offset;
    const pinned_bytes pin = log.at(a.offset, a.size);
    ASSERT_EQ(pin.bytes.size(), a.size);
    EXPECT_EQ(decode(pin.bytes, a.offset, true).status, decode_status::record);
  }
}

TEST(CommitLog, EverySegmentEndsWithAMarkerThatReadersFollow) {
  commit_log_dir dir;
  commit_log log(dir.options());
  const std::vector<appended> written = append_many(log, 300);
  size_t markers = 0;
  for (size_t i = 0; i + 1 < written.size(); ++i) {
    const uint64_t after = written[i].offset + written[i].size;
    if (written[i + 1].offset == after) continue;
    // The next record went to the next segment: a marker covers the rest of this one.
    ++markers;
    EXPECT_EQ(written[i + 1].offset, log.next_segment_start(after));
    EXPECT_EQ(written[i + 1].offset % seg_size, 0u);
    const pinned_bytes pin = log.tail_at(after);
    EXPECT_EQ(pin.bytes.size(), seg_size - after % seg_size);
    const decode_result r = decode(pin.bytes, after, true);
    EXPECT_EQ(r.status, decode_status::blank);
    EXPECT_EQ(r.size, seg_size - after % seg_size);
  }
  EXPECT_EQ(markers, log.segments().size() - 1);
}

TEST(CommitLog, ARecordThatFillsASegmentLeavesRoomForTheSmallestMarker) {
  commit_log_dir dir;
  commit_log log(dir.options());
  const auto fill = [](std::span<uint8_t> out, uint64_t) { std::memset(out.data(), 1, out.size()); };
  EXPECT_EQ(log.append(seg_size - blank_size, fill), 0u);
  EXPECT_EQ(log.append(1, fill), seg_size);
  const decode_result r = decode(log.tail_at(seg_size - blank_size).bytes, seg_size - blank_size, true);
  EXPECT_EQ(r.status, decode_status::blank);
  EXPECT_EQ(r.size, blank_size);
}

TEST(CommitLog, RefusesARecordLargerThanASegmentAndWritesNothing) {
  commit_log_dir dir;
  commit_log log(dir.options());
  const sdk::plugin_error e = thrown_by([&] {
    (void)log.append(seg_size - blank_size + 1, [](std::span<uint8_t>, uint64_t) { ADD_FAILURE(); });
  });
  EXPECT_EQ(e.status(), BERTH_E_INVALID);
  EXPECT_EQ(std::string(e.what()),
            "record of 65529 bytes does not fit a commit-log segment of 65536 bytes");
  EXPECT_EQ(log.write_offset(), 0u);
  EXPECT_TRUE(fs::is_empty(dir.log_dir()));
}

TEST(CommitLog, AWriteThatThrowsLeavesNoTraceAndTheNextAppendTakesItsPlace) {
  commit_log_dir dir;
  {
    commit_log log(dir.options());
    const appended first = append_message(log, 0, 100);
    const uint64_t end = log.write_offset();
    EXPECT_THROW(log.append(500,
                            [](std::span<uint8_t> out, uint64_t) {
                              std::memset(out.data(), 0xFF, out.size());
                              throw std::runtime_error("encoder failed");
                            }),
                 std::runtime_error);
    EXPECT_EQ(log.write_offset(), end);
    EXPECT_TRUE(all_zero(read_file(dir.segment(0)), end));
    EXPECT_EQ(append_message(log, 1, 100).offset, end);
    (void)first;
  }
  const reopened r = reopen(dir);
  EXPECT_EQ(r.recovery.records, 2u);
  EXPECT_TRUE(r.recovery.cut_reason.empty());
}

TEST(CommitLog, ReadsStopAtTheWriteOffsetAndAtSegmentEnds) {
  commit_log_dir dir;
  commit_log log(dir.options());
  const std::vector<appended> written = append_many(log, 100);
  const appended& last = written.back();
  EXPECT_EQ(log.tail_at(last.offset).bytes.size(), last.size);  // capped at the write offset
  EXPECT_TRUE(log.tail_at(log.write_offset()).bytes.empty());
  EXPECT_TRUE(log.at(last.offset, last.size + 1).bytes.empty());
  EXPECT_TRUE(log.at(last.offset, 0).bytes.empty());
  EXPECT_TRUE(log.at(seg_size - 4, 8).bytes.empty());  // would span two segments
  EXPECT_EQ(log.next_segment_start(0), seg_size);
  EXPECT_EQ(log.next_segment_start(seg_size - 1), seg_size);
  EXPECT_EQ(log.next_segment_start(seg_size), 2 * seg_size);
}

TEST(CommitLog, AppendBeforeRecoverIsRefused) {
  commit_log_dir dir;
  {
    commit_log log(dir.options());
    (void)append_message(log, 0, 10);
  }
  commit_log log(dir.options());
  EXPECT_EQ(log.write_offset(), 0u);
  EXPECT_TRUE(log.tail_at(0).bytes.empty());  // nothing is readable before recovery
  const sdk::plugin_error e = thrown_by([&] { (void)append_message(log, 1, 10); });
  EXPECT_EQ(e.status(), BERTH_E_INTERNAL);
  EXPECT_TRUE(contains(e.what(), "append before recover()")) << e.what();
}

TEST(CommitLog, RecoverAfterReopenFindsTheSameEndAndReplaysEveryRecord) {
  commit_log_dir dir;
  std::vector<appended> written;
  uint64_t end = 0;
  {
    commit_log log(dir.options());
    written = append_many(log, 300);
    end = log.write_offset();
    EXPECT_EQ(log.flush(end), end);
  }
  reopened r = reopen(dir);
  EXPECT_EQ(r.recovery.scanned_from, 0u);
  EXPECT_EQ(r.recovery.end_offset, end);
  EXPECT_EQ(r.recovery.records, written.size());
  EXPECT_EQ(r.recovery.last_store_time_ms, static_cast<int64_t>(1000 + written.back().queue_offset));
  EXPECT_EQ(r.recovery.cut_reason, "");
  EXPECT_EQ(r.recovery.bytes_cut, 0u);
  EXPECT_TRUE(r.recovery.removed_files.empty());
  expect_same(r.replayed, written);
  EXPECT_EQ(r.log->write_offset(), end);
  EXPECT_EQ(r.log->durable_offset(), end);
  expect_same(read_all(*r.log), written);

  // Appends carry on where the log ended.
  const std::vector<appended> more = append_many(*r.log, 50, written.size(), 2);
  EXPECT_EQ(more.front().offset, end);
  written.insert(written.end(), more.begin(), more.end());
  r.log.reset();
  const reopened again = reopen(dir);
  expect_same(again.replayed, written);
}

TEST(CommitLog, RecoverFromAMiddleRecordReplaysOnlyFromThere) {
  commit_log_dir dir;
  std::vector<appended> written;
  {
    commit_log log(dir.options());
    written = append_many(log, 300);
  }
  for (const size_t middle : {size_t{0}, size_t{1}, written.size() / 2, written.size() - 1}) {
    const reopened r = reopen(dir, written[middle].offset);
    EXPECT_EQ(r.recovery.scanned_from, written[middle].offset);
    EXPECT_EQ(r.recovery.records, written.size() - middle);
    expect_same(r.replayed, {written.begin() + static_cast<std::ptrdiff_t>(middle), written.end()});
    EXPECT_EQ(r.recovery.end_offset, written.back().offset + written.back().size);
  }
  // A segment start works too, and an offset below the first segment is clamped to it.
  const uint64_t second_segment = seg_size;
  const reopened r = reopen(dir, second_segment);
  EXPECT_EQ(r.replayed.front().offset, second_segment);
}

// The last record, torn: every suffix of it zeroed (what a crash leaves when its later pages
// never reached the disk).
TEST(CommitLog, TornLastRecordIsCutAtEveryByteItCouldTearAt) {
  commit_log_dir dir;
  std::vector<appended> written;
  {
    commit_log log(dir.options());
    written = append_many(log, 120);
    written.push_back(append_message(log, 120, 60));
  }
  const appended last = written.back();
  const uint64_t pos = last.offset % seg_size;
  const fs::path file = dir.segment(segment_of(last.offset));
  const std::vector<uint8_t> original = read_file(file);
  for (uint32_t k = 0; k < last.size; ++k) {
    std::vector<uint8_t> torn = original;
    std::memset(torn.data() + pos + k, 0, last.size - k);
    write_file(file, torn);
    const reopened r = reopen(dir);
    ASSERT_EQ(r.recovery.end_offset, last.offset) << "torn at " << k;
    ASSERT_EQ(r.recovery.records, written.size() - 1) << "torn at " << k;
    if (k == 0) {
      EXPECT_EQ(r.recovery.cut_reason, "");  // nothing of it landed: a clean end
    } else {
      EXPECT_EQ(r.recovery.cut_offset, last.offset);
      EXPECT_TRUE(contains(r.recovery.cut_reason, file.string() + " at position " +
                                                      std::to_string(pos) + ": record at log offset " +
                                                      std::to_string(last.offset) + ": "))
          << r.recovery.cut_reason;
      EXPECT_EQ(r.recovery.bytes_cut, seg_size - pos);
    }
    EXPECT_EQ(r.log->write_offset(), last.offset);
    ASSERT_TRUE(all_zero(read_file(file), pos)) << "torn at " << k;
  }
}

TEST(CommitLog, ScribbledLastRecordIsCutRightBeforeIt) {
  commit_log_dir dir;
  std::vector<appended> written;
  {
    commit_log log(dir.options());
    written = append_many(log, 120);
    written.push_back(append_message(log, 120, 200));
  }
  const appended last = written.back();
  const uint64_t pos = last.offset % seg_size;
  const fs::path file = dir.segment(segment_of(last.offset));
  const std::vector<uint8_t> original = read_file(file);
  std::mt19937 rng(5);
  for (uint32_t k = 0; k < last.size; k += 3) {
    std::vector<uint8_t> scribbled = original;
    // Every scribbled byte differs from what was there; some runs go past the record's end.
    const size_t length = 1 + rng() % 400;
    for (size_t i = pos + k; i < std::min<size_t>(pos + k + length, seg_size); ++i) {
      scribbled[i] = static_cast<uint8_t>(scribbled[i] ^ (1 + rng() % 255));
    }
    write_file(file, scribbled);
    const reopened r = reopen(dir);
    ASSERT_EQ(r.recovery.end_offset, last.offset) << "scribbled at " << k << ": " << r.recovery.cut_reason;
    ASSERT_EQ(r.recovery.records, written.size() - 1);
    ASSERT_FALSE(r.recovery.cut_reason.empty());
    ASSERT_TRUE(all_zero(read_file(file), pos)) << "scribbled at " << k;
  }
}

TEST(CommitLog, FlippedBitInAMiddleRecordOfTheLastSegmentCutsThere) {
  commit_log_dir dir;
  std::vector<appended> written;
  {
    commit_log log(dir.options());
    written = append_many(log, 300);
  }
  const uint64_t last_start = segment_of(written.back().offset);
  std::vector<size_t> in_last;
  for (size_t i = 0; i < written.size(); ++i) {
    if (segment_of(written[i].offset) == last_start) in_last.push_back(i);
  }
  ASSERT_GE(in_last.size(), 5u);
  const size_t victim = in_last[in_last.size() / 2];
  const appended bad = written[victim];
  const uint64_t pos = bad.offset - last_start;
  const fs::path file = dir.segment(last_start);
  std::vector<uint8_t> bytes = read_file(file);
  bytes[pos + bad.size - 3] ^= 0x10;  // in the body
  write_file(file, bytes);

  reopened r = reopen(dir);
  EXPECT_EQ(r.recovery.end_offset, bad.offset);
  EXPECT_EQ(r.recovery.cut_offset, bad.offset);
  EXPECT_EQ(r.recovery.records, victim);
  EXPECT_TRUE(contains(r.recovery.cut_reason, file.string() + " at position " + std::to_string(pos) +
                                                  ": record at log offset " +
                                                  std::to_string(bad.offset) + ": crc mismatch (stored 0x"))
      << r.recovery.cut_reason;
  EXPECT_EQ(r.recovery.bytes_cut, seg_size - pos);
  EXPECT_TRUE(r.recovery.removed_files.empty());
  EXPECT_TRUE(all_zero(read_file(file), pos));
  expect_same(read_all(*r.log), {written.begin(), written.begin() + static_cast<std::ptrdiff_t>(victim)});

  // The log takes appends from the cut on, and the next recovery is clean.
  EXPECT_EQ(append_message(*r.log, 1000, 10).offset, bad.offset);
  r.log.reset();
  const reopened again = reopen(dir);
  EXPECT_EQ(again.recovery.cut_reason, "");
  EXPECT_EQ(again.recovery.records, victim + 1);
}

TEST(CommitLog, FlippedBitInAnEarlierSegmentCutsThereAndRemovesLaterSegments) {
  commit_log_dir dir;
  std::vector<appended> written;
  {
    commit_log log(dir.options());
    written = append_many(log, 300);
  }
  const size_t segments_before = static_cast<size_t>(segment_of(written.back().offset) / seg_size) + 1;
  ASSERT_GE(segments_before, 3u);
  const size_t victim = 10;  // in segment 0
  const appended bad = written[victim];
  std::vector<uint8_t> bytes = read_file(dir.segment(0));
  bytes[bad.offset + 20] ^= 0x01;  // in the header: the queue offset
  write_file(dir.segment(0), bytes);

  const reopened r = reopen(dir);
  EXPECT_EQ(r.recovery.end_offset, bad.offset);
  EXPECT_EQ(r.recovery.records, victim);
  EXPECT_TRUE(contains(r.recovery.cut_reason, dir.segment(0).string() + " at position " +
                                                  std::to_string(bad.offset) + ": record at log offset " +
                                                  std::to_string(bad.offset) + ": crc mismatch"))
      << r.recovery.cut_reason;
  ASSERT_EQ(r.recovery.removed_files.size(), segments_before - 1);
  for (size_t i = 1; i < segments_before; ++i) {
    EXPECT_EQ(r.recovery.removed_files[i - 1], dir.segment(i * seg_size).string());
    EXPECT_FALSE(fs::exists(dir.segment(i * seg_size)));
  }
  EXPECT_EQ(r.recovery.bytes_cut, (seg_size - bad.offset) + (segments_before - 1) * seg_size);
  EXPECT_EQ(r.log->segments().size(), 1u);
  EXPECT_TRUE(all_zero(read_file(dir.segment(0)), bad.offset));
  // Rolling makes segment 1 afresh.
  const std::vector<appended> more = append_many(*r.log, 200, 5000, 3);
  EXPECT_EQ(more.front().offset, bad.offset);
  EXPECT_GE(r.log->segments().size(), 2u);
}

TEST(CommitLog, DataInALaterSegmentAfterTheEndIsCut) {
  commit_log_dir dir;
  {
    commit_log log(dir.options());
    (void)append_many(log, 300);
    ASSERT_GE(log.segments().size(), 3u);
  }
  // Segment 1 lost whole (zeros), segment 2 still has its records.
  write_file(dir.segment(seg_size), std::vector<uint8_t>(seg_size, 0));
  const reopened r = reopen(dir);
  EXPECT_EQ(r.recovery.end_offset, seg_size);
  EXPECT_EQ(r.recovery.cut_offset, seg_size);
  EXPECT_TRUE(contains(r.recovery.cut_reason, "the log ends at log offset 65536, but later segment " +
                                                  dir.segment(2 * seg_size).string() + " holds data"))
      << r.recovery.cut_reason;
  EXPECT_FALSE(fs::exists(dir.segment(2 * seg_size)));
  EXPECT_EQ(r.log->segments().size(), 2u);
}

TEST(CommitLog, DamagedEndOfSegmentMarkerCutsTheLogThere) {
  commit_log_dir dir;
  std::vector<appended> written;
  {
    commit_log log(dir.options());
    written = append_many(log, 300);
  }
  size_t in_first = 0;
  while (written[in_first].offset < seg_size) ++in_first;
  const uint64_t marker = written[in_first - 1].offset + written[in_first - 1].size;
  std::vector<uint8_t> bytes = read_file(dir.segment(0));
  const uint32_t wrong = static_cast<uint32_t>(seg_size - marker - 1);
  std::memcpy(&bytes[marker], &wrong, sizeof wrong);
  write_file(dir.segment(0), bytes);

  const reopened r = reopen(dir);
  EXPECT_EQ(r.recovery.end_offset, marker);
  EXPECT_EQ(r.recovery.records, in_first);
  EXPECT_TRUE(contains(r.recovery.cut_reason,
                       "end-of-segment marker at log offset " + std::to_string(marker) + " says " +
                           std::to_string(wrong) + " bytes remain, but " +
                           std::to_string(wrong + 1) + " do"))
      << r.recovery.cut_reason;
  EXPECT_FALSE(r.recovery.removed_files.empty());
  EXPECT_TRUE(all_zero(read_file(dir.segment(0)), marker));
}

// The writer always leaves room for the marker, so a record that does not (here made by
// hand) was not written by it, and appending after it would put the marker past the end.
TEST(CommitLog, RecordLeavingNoRoomForTheMarkerIsCut) {
  commit_log_dir dir;
  fs::create_directories(dir.log_dir());
  {
    const mapped_file_ptr file = mapped_file::create(dir.segment(0), seg_size);
    const std::string topic = "orders";
    berth_message_view v{};
    v.topic = {topic.data(), topic.size()};
    const size_t body_size = seg_size - 4 - encoded_size(v);
    const std::vector<uint8_t> body = body_for(0, body_size);
    v.body = {body.data(), body.size()};
    ASSERT_EQ(encoded_size(v), seg_size - 4);
    encode(v, {0, 0, 1000}, file->bytes().first(seg_size - 4));
  }
  const reopened r = reopen(dir);
  EXPECT_EQ(r.recovery.end_offset, 0u);
  EXPECT_EQ(r.recovery.records, 0u);
  EXPECT_TRUE(contains(r.recovery.cut_reason, "leave no room for the end-of-segment marker"))
      << r.recovery.cut_reason;
  EXPECT_EQ(append_message(*r.log, 0, 10).offset, 0u);
}

TEST(CommitLog, PreallocatedSegmentIsTakenByTheRollAndKeptAcrossReopen) {
  commit_log_dir dir;
  uint64_t end = 0;
  {
    commit_log log(dir.options());
    log.preallocate_next();  // empty log: the next segment is the first
    ASSERT_TRUE(fs::exists(dir.segment(0)));
    const uint64_t first_inode = inode(dir.segment(0));
    (void)append_message(log, 0, 100);
    EXPECT_EQ(inode(dir.segment(0)), first_inode);

    log.preallocate_next();
    log.preallocate_next();  // once is enough
    ASSERT_TRUE(fs::exists(dir.segment(seg_size)));
    EXPECT_EQ(log.segments().size(), 1u);  // not in the log until the roll
    const uint64_t next_inode = inode(dir.segment(seg_size));
    (void)append_many(log, 100, 1);
    ASSERT_EQ(log.segments().size(), 2u);
    EXPECT_EQ(inode(dir.segment(seg_size)), next_inode);
    log.preallocate_next();
    ASSERT_TRUE(fs::exists(dir.segment(2 * seg_size)));
    end = log.write_offset();
  }
  const uint64_t kept_inode = inode(dir.segment(2 * seg_size));
  reopened r = reopen(dir);
  EXPECT_EQ(r.recovery.end_offset, end);
  EXPECT_EQ(r.recovery.cut_reason, "");
  EXPECT_TRUE(r.recovery.removed_files.empty());
  EXPECT_EQ(r.log->segments().size(), 2u);
  (void)append_many(*r.log, 100, 200);
  ASSERT_EQ(r.log->segments().size(), 3u);
  EXPECT_EQ(inode(dir.segment(2 * seg_size)), kept_inode);
}

TEST(CommitLog, PreallocationFromAnotherThreadNeverRacesTheRoll) {
  commit_log_dir dir;
  commit_log log(dir.options());
  std::atomic<bool> done{false};
  std::thread preallocator([&] {
    while (!done.load()) log.preallocate_next();
  });
  std::vector<appended> written;
  EXPECT_NO_THROW(written = append_many(log, 1500));
  done = true;
  preallocator.join();
  expect_same(read_all(log), written);
}

TEST(CommitLog, ForeignFilesAreRefusedByName) {
  for (const char* name : {"notes.txt", "00000000000000000000.bak", "0000000000000000000",
                           "lock", ".hidden", "0000000000000000000.tmp"}) {
    commit_log_dir dir;
    fs::create_directories(dir.log_dir());
    ::close(::open((dir.log_dir() / name).c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
    const sdk::plugin_error e = thrown_by([&] { commit_log log(dir.options()); });
    EXPECT_EQ(e.status(), BERTH_E_IO);
    EXPECT_EQ(std::string(e.what()), "commit log " + dir.log_dir().string() + ": foreign file " +
                                         name + " (only segments named by a 20-digit offset belong here)");
  }
  commit_log_dir dir;
  fs::create_directories(dir.segment(0));  // a directory with a segment's name
  EXPECT_TRUE(contains(thrown_by([&] { commit_log log(dir.options()); }).what(),
                       "foreign file 00000000000000000000"));
}

TEST(CommitLog, ASegmentWhoseCreationACrashInterruptedIsDeletedAtOpen) {
  commit_log_dir dir;
  fs::create_directories(dir.log_dir());
  const fs::path leftover = dir.log_dir() / "00000000000000000000.tmp";
  ::close(::open(leftover.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644));  // short, as if cut
  commit_log log(dir.options());
  (void)log.recover(0, [](const decoded_record&) {});
  EXPECT_FALSE(fs::exists(leftover));
  EXPECT_EQ(log.write_offset(), 0u);
  (void)log.append(64, [](std::span<uint8_t> out, uint64_t) { std::fill(out.begin(), out.end(), 1); });
  EXPECT_TRUE(fs::exists(dir.segment(0)));
  EXPECT_EQ(fs::file_size(dir.segment(0)), dir.options().segment_size);
}

TEST(CommitLog, WrongSizedSegmentIsRefusedNamingBothSizes) {
  commit_log_dir dir;
  fs::create_directories(dir.log_dir());
  (void)mapped_file::create(dir.segment(0), 1000);
  const sdk::plugin_error e = thrown_by([&] { commit_log log(dir.options()); });
  EXPECT_EQ(e.status(), BERTH_E_IO);
  EXPECT_EQ(std::string(e.what()), dir.segment(0).string() + ": size 1000 bytes, expected 65536 bytes");
}

TEST(CommitLog, GapBetweenSegmentsIsRefused) {
  commit_log_dir dir;
  fs::create_directories(dir.log_dir());
  (void)mapped_file::create(dir.segment(0), seg_size);
  (void)mapped_file::create(dir.segment(2 * seg_size), seg_size);
  const sdk::plugin_error e = thrown_by([&] { commit_log log(dir.options()); });
  EXPECT_EQ(std::string(e.what()), "commit log " + dir.log_dir().string() +
                                       ": gap between segments 00000000000000000000 and "
                                       "00000000000000131072 (missing 00000000000000065536)");
}

TEST(CommitLog, SegmentNotAtASegmentBoundaryIsRefused) {
  commit_log_dir dir;
  fs::create_directories(dir.log_dir());
  (void)mapped_file::create(dir.segment(4096), seg_size);
  EXPECT_TRUE(contains(thrown_by([&] { commit_log log(dir.options()); }).what(),
                       "segment 00000000000000004096 does not start at a multiple of the segment "
                       "size 65536"));
}

TEST(CommitLog, TooSmallASegmentSizeIsRefused) {
  commit_log_dir dir;
  const sdk::plugin_error e = thrown_by([&] { commit_log log({dir.log_dir(), 1024}); });
  EXPECT_EQ(e.status(), BERTH_E_INVALID);
}

TEST(CommitLog, RemoveOldestWhileBytesArePinnedKeepsThemReadable) {
  commit_log_dir dir;
  commit_log log(dir.options());
  const std::vector<appended> written = append_many(log, 300);
  ASSERT_GE(log.segments().size(), 3u);
  const appended first = written.front();
  pinned_bytes pin = log.at(first.offset, first.size);
  ASSERT_FALSE(pin.bytes.empty());

  EXPECT_EQ(log.remove_oldest(), seg_size);
  EXPECT_EQ(log.min_offset(), seg_size);
  EXPECT_EQ(log.segments().front().start, seg_size);
  EXPECT_TRUE(log.tail_at(first.offset).bytes.empty());
  EXPECT_TRUE(log.at(first.offset, first.size).bytes.empty());
  EXPECT_TRUE(fs::exists(dir.segment(0)));  // held by the pin

  const decode_result r = decode(pin.bytes, first.offset, true);
  ASSERT_EQ(r.status, decode_status::record) << r.reason;
  EXPECT_TRUE(holds_its_message(r.record));
  pin = {};
  EXPECT_FALSE(fs::exists(dir.segment(0)));
}

TEST(CommitLog, RemoveOldestNeverRemovesTheSegmentBeingWritten) {
  commit_log_dir dir;
  commit_log log(dir.options());
  EXPECT_EQ(log.remove_oldest(), 0u);  // nothing
  (void)append_message(log, 0, 100);
  EXPECT_EQ(log.remove_oldest(), 0u);  // the only segment
  log.preallocate_next();
  EXPECT_EQ(log.remove_oldest(), 0u);  // a preallocated segment does not count
  uint64_t q = 1;
  while (log.segments().size() < 2) (void)append_message(log, q++, 1000);
  EXPECT_EQ(log.remove_oldest(), seg_size);
  EXPECT_FALSE(fs::exists(dir.segment(0)));
  EXPECT_EQ(log.remove_oldest(), 0u);
  EXPECT_EQ(log.segments().size(), 1u);
  EXPECT_EQ(log.min_offset(), seg_size);
}

TEST(CommitLog, FlushMovesTheDurableOffsetUpToTheWriteOffset) {
  commit_log_dir dir;
  commit_log log(dir.options());
  EXPECT_EQ(log.flush(1000), 0u);  // nothing written: nothing to do
  const std::vector<appended> written = append_many(log, 200);
  const uint64_t middle = written[50].offset;
  EXPECT_EQ(log.flush(middle), middle);
  EXPECT_EQ(log.durable_offset(), middle);
  EXPECT_EQ(log.flush(10), middle);  // never backwards
  EXPECT_EQ(log.flush(UINT64_MAX), log.write_offset());  // never past the end
  EXPECT_EQ(log.durable_offset(), log.write_offset());
}

// One appender, several readers, a flusher, a preallocator and retention, all at once. Readers
// read only below write_offset() and check every byte they see (run it under TSan too).
TEST(CommitLog, ConcurrentReadersSeeWholeRecordsWhileOneThreadAppends) {
  commit_log_dir dir;
  commit_log log(dir.options());
  constexpr size_t count = 3000;
  std::atomic<bool> writing{true};
  std::atomic<bool> failed{false};

  const auto reader = [&](bool retention_running) {
    uint64_t offset = 0;
    uint64_t next_queue_offset = 0;
    while (true) {
      const bool was_writing = writing.load();
      const uint64_t end = log.write_offset();
      while (offset < end) {
        const pinned_bytes pin = log.tail_at(offset);
        if (pin.bytes.empty()) {  // dropped by retention
          if (!retention_running || offset >= log.min_offset()) failed = true;
          offset = log.min_offset();
          next_queue_offset = 0;
          continue;
        }
        const decode_result r = decode(pin.bytes, offset, true);
        if (r.status == decode_status::blank) {
          offset = log.next_segment_start(offset);
          continue;
        }
        if (r.status != decode_status::record || !holds_its_message(r.record) ||
            r.record.queue_offset < next_queue_offset ||
            (!retention_running && r.record.queue_offset != next_queue_offset)) {
          failed = true;
          return;
        }
        next_queue_offset = r.record.queue_offset + 1;
        offset += r.size;
      }
      if (!was_writing) {
        if (next_queue_offset != count) failed = true;
        return;
      }
    }
  };

  std::vector<std::thread> threads;
  threads.emplace_back(reader, false);
  threads.emplace_back(reader, false);
  threads.emplace_back([&] {
    while (writing.load()) (void)log.flush(log.write_offset());
  });
  threads.emplace_back([&] {
    while (writing.load()) log.preallocate_next();
  });
  const std::vector<appended> written = append_many(log, count);
  writing = false;
  for (std::thread& t : threads) t.join();
  EXPECT_FALSE(failed.load());
  expect_same(read_all(log), written);
}

TEST(CommitLog, ReadersSurviveRetentionDroppingSegmentsUnderThem) {
  commit_log_dir dir;
  commit_log log(dir.options());
  constexpr size_t count = 3000;
  std::atomic<bool> writing{true};
  std::atomic<bool> failed{false};
  std::atomic<size_t> removed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&] {
      uint64_t offset = 0;
      uint64_t last_queue_offset = 0;
      while (writing.load() || offset < log.write_offset()) {
        if (offset >= log.write_offset()) continue;
        const pinned_bytes pin = log.tail_at(offset);
        if (pin.bytes.empty()) {
          if (offset >= log.min_offset()) failed = true;
          offset = log.min_offset();
          continue;
        }
        const decode_result r = decode(pin.bytes, offset, true);
        if (r.status == decode_status::blank) {
          offset = log.next_segment_start(offset);
          continue;
        }
        if (r.status != decode_status::record || !holds_its_message(r.record) ||
            r.record.queue_offset < last_queue_offset) {
          failed = true;
          return;
        }
        last_queue_offset = r.record.queue_offset;
        offset += r.size;
      }
    });
  }
  threads.emplace_back([&] {
    while (writing.load()) {
      if (log.segments().size() > 3) removed += log.remove_oldest() / seg_size;
    }
  });
  (void)append_many(log, count);
  writing = false;
  for (std::thread& t : threads) t.join();
  EXPECT_FALSE(failed.load());
  EXPECT_GT(removed.load(), 0u);
  // Removed segments are gone from the directory once no reader holds them.
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.log_dir())) ++files;
  EXPECT_EQ(files, log.segments().size());
}

}  // namespace
}  // namespace berth::store_mmap
