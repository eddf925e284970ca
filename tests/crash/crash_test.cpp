// Crash tests for store-mmap (RELIABILITY-AND-OPERATIONS.md A3 tier 1 and the torn-record
// techniques, A4 fsync failure): a child process (berth_store_driver) appends with sync flush
// and is killed, its files are damaged, an fdatasync fails under strace; every restart must
// recover to a prefix of the appended history that holds every acknowledged message, intact
// and in order, and never serve a torn or damaged record.
//
// BERTH_CRASH_ROUNDS (default 25) sets the kill rounds, BERTH_CRASH_SEED replays a run.
#include "crash_fixture.hpp"
#include "message_pattern.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <thread>

namespace berth::test::crash {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr uint64_t segment_bytes = uint64_t{1} << 20;  // the driver's default --segment-size

std::string show(const run_result& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout ---\n" + r.out +
         "--- stderr ---\n" + r.err;
}

uint32_t load_u32(const std::string& bytes, size_t at) {
  uint32_t v = 0;
  std::memcpy(&v, bytes.data() + at, sizeof v);
  return v;
}

// A store directory with `count` pattern messages per queue, appended by a driver that then
// closed it cleanly; what the driver printed.
run_result append_bounded(const fs::path& store, uint32_t threads, uint32_t batch,
                          uint64_t count, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"append",  "--dir",   store.string(),
                                   "--threads", std::to_string(threads),
                                   "--batch",   std::to_string(batch),
                                   "--count",   std::to_string(count),
                                   "--print-messages"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_driver(std::move(args));
}

run_result verify(const fs::path& store, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"verify", "--dir", store.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_driver(std::move(args));
}

std::string cut_at(uint64_t log_offset) {
  return "commit log cut at log offset " + std::to_string(log_offset) + ":";
}

// ---- kill -9 under sync flush --------------------------------------------------------------

TEST(kill_under_sync_flush, every_acknowledged_message_survives_repeated_kills) {
  const uint64_t rounds = env_number("BERTH_CRASH_ROUNDS", 25);
  const uint64_t seed = env_number("BERTH_CRASH_SEED", std::random_device{}());
  std::cout << "[ crash    ] BERTH_CRASH_SEED=" << seed << " BERTH_CRASH_ROUNDS=" << rounds
            << std::endl;
  RecordProperty("seed", std::to_string(seed));
  std::mt19937_64 random(seed);
  constexpr uint32_t queues = 4;

  temp_dir work;
  const fs::path store = work.path() / "store";
  std::map<uint32_t, uint64_t> acked;   // every acknowledgement so far
  std::map<uint32_t, uint64_t> counts;  // what the last verify found
  uint64_t unclean_recoveries = 0;
  for (uint64_t round = 1; round <= rounds; ++round) {
    // Most rounds kill while appending; every fourth kills soon after the start, which may
    // land in the library load or in recovery itself.
    const bool early = round % 4 == 0;
    const auto wait = std::chrono::milliseconds(
        early ? std::uniform_int_distribution<int>(0, 40)(random)
              : std::uniform_int_distribution<int>(50, 400)(random));
    SCOPED_TRACE("round " + std::to_string(round) + " of " + std::to_string(rounds) +
                 ", kill after " + std::to_string(wait.count()) + " ms" +
                 (early ? " from the start" : " of appending") +
                 ", BERTH_CRASH_SEED=" + std::to_string(seed));

    child_process appender({driver_path().string(), "append", "--dir", store.string(),
                            "--threads", std::to_string(queues), "--batch", "4"},
                           work.path(), work.path());
    if (!early) {
      ASSERT_TRUE(appender.wait_for_output("READY", 20s)) << appender.err();
    }
    std::this_thread::sleep_for(wait);
    appender.signal(SIGKILL);
    const auto code = appender.wait_exit(20s);
    ASSERT_TRUE(code.has_value());
    const std::string out = appender.out();
    ASSERT_EQ(*code, 128 + SIGKILL) << "the appender stopped by itself\n" << out << appender.err();
    ASSERT_FALSE(contains(out, "ERROR")) << out << appender.err();
    for (const auto& [q, o] : acked_offsets(out)) acked[q] = std::max(acked[q], o);

    const run_result checked = verify(store, [&] {
      auto args = acked_args(acked);
      args.insert(args.end(), {"--queues", std::to_string(queues)});
      return args;
    }());
    ASSERT_EQ(checked.exit_code, 0) << show(checked);
    ASSERT_TRUE(contains(checked.out, "\nOK\n")) << show(checked);
    const auto found = queue_counts(checked.out);
    for (uint32_t q = 0; q < queues; ++q) {
      const uint64_t now = found.count(q) != 0 ? found.at(q) : 0;
      if (acked.count(q) != 0) {
        EXPECT_GT(now, acked.at(q)) << "queue " << q << " lost acknowledged messages\n" << show(checked);
      }
      // What one verify saw was recovered and synced: no later crash may take it away.
      EXPECT_GE(now, counts[q]) << "queue " << q << " shrank\n" << show(checked);
      counts[q] = now;
    }
    // The appender held the store open when it died: the next open must know it.
    if (contains(out, "READY")) {
      EXPECT_TRUE(contains(checked.err, "recovered after an unclean stop")) << show(checked);
      ++unclean_recoveries;
    }
    if (HasFailure()) break;
  }

  uint64_t total_acked = 0;
  uint64_t total_stored = 0;
  for (const auto& [q, o] : acked) total_acked += o + 1;
  for (const auto& [q, n] : counts) total_stored += n;
  std::cout << "[ crash    ] " << rounds << " kills, " << unclean_recoveries
            << " unclean recoveries, " << total_acked << " messages acknowledged, "
            << total_stored << " stored" << std::endl;
  EXPECT_EQ(acked.size(), queues) << "some queue never got an acknowledgement";
  EXPECT_GE(unclean_recoveries, rounds / 2);
}

// ---- torn tail -----------------------------------------------------------------------------

struct tail_case {
  std::vector<appended_message> messages;  // in log order
  uint64_t end = 0;                        // log end after the last message
  fs::path store;
};

// 120 messages in queue 0, closed cleanly.
tail_case append_tail_case(const fs::path& store) {
  const run_result r = append_bounded(store, 1, 10, 120);
  EXPECT_EQ(r.exit_code, 0) << show(r);
  tail_case c{appended_messages(r.out), log_end(r.out).value_or(0), store};
  EXPECT_EQ(c.messages.size(), 120u) << show(r);
  return c;
}

// After damaging the tail: a restart keeps `survivors` messages and logs the cut at
// `cut_offset`; appending goes on from there, and nothing of the wiped tail comes back.
void expect_recovery_from_damaged_tail(const tail_case& c, uint64_t survivors,
                                       uint64_t cut_offset) {
  const run_result first = verify(c.store, {"--expect", "0:" + std::to_string(survivors)});
  EXPECT_EQ(first.exit_code, 0) << show(first);
  EXPECT_TRUE(contains(first.err, cut_at(cut_offset))) << show(first);

  const run_result more = append_bounded(c.store, 1, 10, 30);
  ASSERT_EQ(more.exit_code, 0) << show(more);
  const auto added = appended_messages(more.out);
  ASSERT_EQ(added.size(), 30u) << show(more);
  EXPECT_EQ(added.front().queue_offset, survivors);
  EXPECT_EQ(added.front().log_offset, cut_offset) << "the first new message goes where the cut was";

  const run_result second = verify(c.store, {"--expect", "0:" + std::to_string(survivors + 30)});
  EXPECT_EQ(second.exit_code, 0) << show(second);
  EXPECT_FALSE(contains(second.err, "commit log cut")) << show(second);
}

TEST(torn_tail, zeroed_second_half_of_the_last_record_is_cut) {
  temp_dir work;
  const tail_case c = append_tail_case(work.path() / "store");
  ASSERT_FALSE(HasFailure());
  const appended_message& last = c.messages.back();
  const uint64_t size = c.end - last.log_offset;
  const file_position at = locate(c.store, last.log_offset);
  write_bytes(at.file, at.position + size / 2, std::string(size - size / 2, '\0'));
  expect_recovery_from_damaged_tail(c, last.queue_offset, last.log_offset);
}

TEST(torn_tail, random_bytes_over_the_last_record_are_cut) {
  temp_dir work;
  const tail_case c = append_tail_case(work.path() / "store");
  ASSERT_FALSE(HasFailure());
  const appended_message& last = c.messages.back();
  const uint64_t size = c.end - last.log_offset;
  const file_position at = locate(c.store, last.log_offset);
  std::mt19937 random(static_cast<unsigned>(size));
  std::string garbage(size, '\0');
  for (char& b : garbage) b = static_cast<char>(random() & 0xFFu);
  garbage[0] = static_cast<char>(garbage[0] | 1);  // a zero size would read as "end", not damage
  write_bytes(at.file, at.position, garbage);
  expect_recovery_from_damaged_tail(c, last.queue_offset, last.log_offset);
}

TEST(torn_tail, half_written_record_after_the_last_one_is_cut_and_nothing_is_lost) {
  temp_dir work;
  const tail_case c = append_tail_case(work.path() / "store");
  ASSERT_FALSE(HasFailure());
  // The start of a record that never finished: the first 100 bytes of a copy of the last one.
  const appended_message& last = c.messages.back();
  const file_position at = locate(c.store, last.log_offset);
  const file_position end = locate(c.store, c.end);
  write_bytes(end.file, end.position, read_bytes(at.file, at.position, 100));
  expect_recovery_from_damaged_tail(c, last.queue_offset + 1, c.end);
}

TEST(torn_tail, shortened_segment_is_refused_and_left_alone) {
  temp_dir work;
  const tail_case c = append_tail_case(work.path() / "store");
  ASSERT_FALSE(HasFailure());
  const fs::path newest = segments(c.store).back();
  fs::resize_file(newest, segment_bytes / 2);

  const run_result refused = verify(c.store);
  EXPECT_EQ(refused.exit_code, 3) << show(refused);
  EXPECT_TRUE(contains(refused.out, "OPEN FAILED")) << show(refused);
  EXPECT_TRUE(contains(refused.out, newest.string())) << "the refusal names the file\n" << show(refused);
  EXPECT_TRUE(contains(refused.out, "size " + std::to_string(segment_bytes / 2) + " bytes, expected " +
                                        std::to_string(segment_bytes)))
      << show(refused);
  EXPECT_EQ(fs::file_size(newest), segment_bytes / 2) << "a refused open must not touch the file";

  // Given its size back, the same file opens with everything in it.
  fs::resize_file(newest, segment_bytes);
  const run_result restored = verify(c.store, {"--expect", "0:120"});
  EXPECT_EQ(restored.exit_code, 0) << show(restored);
}

// ---- flipped bit ---------------------------------------------------------------------------

TEST(flipped_bit, log_is_cut_at_the_damaged_record_in_the_newest_segment) {
  temp_dir work;
  const fs::path store = work.path() / "store";
  // Two queues, about 1.3 MB: the second segment is the newest.
  const run_result appended = append_bounded(store, 2, 5, 400);
  ASSERT_EQ(appended.exit_code, 0) << show(appended);
  const auto messages = appended_messages(appended.out);
  ASSERT_EQ(messages.size(), 800u);
  const auto files = segments(store);
  ASSERT_GE(files.size(), 2u) << "expected the log to span two segments";
  const uint64_t newest_start = std::stoull(files.back().filename().string());

  std::vector<size_t> in_newest;
  for (size_t i = 0; i < messages.size(); ++i) {
    if (messages[i].log_offset >= newest_start) in_newest.push_back(i);
  }
  ASSERT_GE(in_newest.size(), 3u);
  const size_t victim_index = in_newest[in_newest.size() / 2];
  const appended_message& victim = messages[victim_index];
  const uint64_t record_size = messages[victim_index + 1].log_offset - victim.log_offset;

  // Find the body in the record and flip one bit in its middle.
  const file_position at = locate(store, victim.log_offset);
  const std::string record = read_bytes(at.file, at.position, record_size);
  const std::string body = make_message(victim.queue, victim.queue_offset).body;
  const size_t body_at = record.find(body);
  ASSERT_NE(body_at, std::string::npos) << "the body is not stored verbatim in its record";
  flip_bit(at.file, at.position + body_at + body.size() / 2, 5);

  // Everything before it in the log survives, in both queues; it and everything after go.
  std::map<uint32_t, uint64_t> survivors = {{0, 0}, {1, 0}};
  for (const auto& m : messages) {
    if (m.log_offset < victim.log_offset) ++survivors[m.queue];
  }
  const run_result checked = verify(store, {"--queues", "2", "--expect",
                                            "0:" + std::to_string(survivors[0]), "--expect",
                                            "1:" + std::to_string(survivors[1])});
  EXPECT_EQ(checked.exit_code, 0) << show(checked);
  EXPECT_TRUE(contains(checked.err, cut_at(victim.log_offset))) << show(checked);
  EXPECT_TRUE(contains(checked.err, "crc mismatch")) << show(checked);
  EXPECT_TRUE(contains(checked.err, files.back().string())) << "the cut names the file\n" << show(checked);

  // The damaged message had been acknowledged: the verifier must say it is missing.
  const run_result missing = verify(store, {"--acked", std::to_string(victim.queue) + ":" +
                                                           std::to_string(victim.queue_offset)});
  EXPECT_EQ(missing.exit_code, 1) << show(missing);
  EXPECT_TRUE(contains(missing.out, "MISSING queue " + std::to_string(victim.queue))) << show(missing);
}

// ---- foreign or damaged files --------------------------------------------------------------

TEST(damaged_files, foreign_file_in_the_commit_log_is_refused_by_name) {
  temp_dir work;
  const fs::path store = work.path() / "store";
  ASSERT_EQ(append_bounded(store, 1, 5, 20).exit_code, 0);
  std::ofstream(store / "commitlog" / "notes.txt") << "not a segment\n";

  const run_result refused = verify(store);
  EXPECT_EQ(refused.exit_code, 3) << show(refused);
  EXPECT_TRUE(contains(refused.out, "OPEN FAILED")) << show(refused);
  EXPECT_TRUE(contains(refused.out, "foreign file notes.txt")) << show(refused);
  EXPECT_TRUE(contains(refused.err, "foreign file notes.txt")) << show(refused);

  fs::remove(store / "commitlog" / "notes.txt");
  const run_result after = verify(store, {"--expect", "0:20"});
  EXPECT_EQ(after.exit_code, 0) << show(after);
}

TEST(damaged_files, garbage_checkpoint_is_ignored_with_a_warning_and_a_full_scan) {
  temp_dir work;
  const fs::path store = work.path() / "store";
  ASSERT_EQ(append_bounded(store, 2, 5, 100).exit_code, 0);
  ASSERT_TRUE(fs::exists(store / "checkpoint"));
  std::ofstream(store / "checkpoint", std::ios::binary | std::ios::trunc)
      << "garbage where the checkpoint was\n";

  const run_result checked = verify(store, {"--expect", "0:100", "--expect", "1:100"});
  EXPECT_EQ(checked.exit_code, 0) << show(checked);
  EXPECT_TRUE(contains(checked.err, "checkpoint ignored")) << show(checked);
  EXPECT_TRUE(contains(checked.err, "scanned from offset 0")) << show(checked);
}

TEST(damaged_files, garbage_consume_queue_is_rebuilt_from_the_log) {
  temp_dir work;
  const fs::path store = work.path() / "store";
  ASSERT_EQ(append_bounded(store, 2, 5, 100).exit_code, 0);
  const fs::path queue_file = store / "consumequeue" / "crash" / "0" / "00000000000000000000";
  ASSERT_TRUE(fs::exists(queue_file));
  std::mt19937 random(7);
  std::string garbage(fs::file_size(queue_file), '\0');
  for (char& b : garbage) b = static_cast<char>(random() & 0xFFu);
  write_bytes(queue_file, 0, garbage);

  const run_result checked = verify(store, {"--expect", "0:100", "--expect", "1:100"});
  EXPECT_EQ(checked.exit_code, 0) << show(checked);
  EXPECT_TRUE(contains(checked.err, "consume queue")) << show(checked);
  EXPECT_TRUE(contains(checked.err, queue_file.string())) << show(checked);

  // And a queue file of the wrong size.
  fs::resize_file(queue_file, 1000);
  const run_result again = verify(store, {"--expect", "0:100", "--expect", "1:100"});
  EXPECT_EQ(again.exit_code, 0) << show(again);
  EXPECT_TRUE(contains(again.err, queue_file.string())) << show(again);
}

// ---- fsync failure -------------------------------------------------------------------------

std::optional<fs::path> find_strace() {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t colon = std::min(dirs.find(':', start), dirs.size());
    const fs::path candidate = fs::path(dirs.substr(start, colon - start)) / "strace";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = colon + 1;
  }
  return std::nullopt;
}

TEST(fsync_failure, fences_the_log_and_nothing_is_acknowledged_after_it) {
  const auto strace = find_strace();
  if (!strace) GTEST_SKIP() << "strace is not installed: cannot inject an fdatasync failure";
  temp_dir work;
  const fs::path store = work.path() / "store";
  // The 5th fdatasync of each thread fails; only the flusher thread syncs while appending
  // (housekeeping, which syncs the queues, is held off).
  std::string asan = "detect_leaks=0";  // LeakSanitizer cannot ptrace a traced process
  if (const char* old = std::getenv("ASAN_OPTIONS"); old != nullptr && *old != '\0') {
    asan = std::string(old) + ":" + asan;
  }
  const run_result r = run({"/usr/bin/env", "ASAN_OPTIONS=" + asan, strace->string(), "-f",
                            "-e", "inject=fdatasync:error=EIO:when=5", "-o", "/dev/null",
                            driver_path().string(), "append", "--dir", store.string(),
                            "--threads", "2", "--batch", "4", "--set",
                            "housekeeping_interval=\"60s\""},
                           work.path(), 60s);
  ASSERT_EQ(r.exit_code, 2) << "the driver must stop after refused appends\n" << show(r);
  EXPECT_TRUE(contains(r.err, "commit log fenced")) << show(r);
  EXPECT_TRUE(contains(r.err, "Input/output error")) << show(r);
  EXPECT_TRUE(contains(r.out, " fenced\n")) << "stats must say fenced\n" << show(r);

  // Per queue: ERROR lines, each mentioning the fence, and no ACK after the first of them.
  std::map<uint32_t, int> errors;
  for (const auto& line : whole_lines(r.out)) {
    if (line.rfind("ERROR ", 0) == 0) {
      const auto q = static_cast<uint32_t>(std::stoul(line.substr(6)));
      ++errors[q];
      EXPECT_TRUE(contains(line, "fenced")) << line;
    } else if (line.rfind("ACK ", 0) == 0) {
      const auto q = static_cast<uint32_t>(std::stoul(line.substr(4)));
      EXPECT_EQ(errors[q], 0) << "acknowledged after a refusal: " << line << "\n" << show(r);
    }
  }
  EXPECT_EQ(errors.size(), 2u) << show(r);
  for (const auto& [q, n] : errors) EXPECT_EQ(n, 2) << "queue " << q << "\n" << show(r);

  // A restart (no injection) recovers every acknowledged message and appends again.
  const auto acked = acked_offsets(r.out);
  EXPECT_FALSE(acked.empty()) << "four syncs succeeded, something was acknowledged\n" << show(r);
  auto args = acked_args(acked);
  args.insert(args.end(), {"--queues", "2"});
  const run_result checked = verify(store, args);
  EXPECT_EQ(checked.exit_code, 0) << show(checked);
  const run_result more = append_bounded(store, 2, 5, 10);
  EXPECT_EQ(more.exit_code, 0) << show(more);
}

// ---- the verifier itself -------------------------------------------------------------------

TEST(verifier, reports_an_acknowledged_message_that_is_not_there) {
  temp_dir work;
  const fs::path store = work.path() / "store";
  ASSERT_EQ(append_bounded(store, 1, 5, 20).exit_code, 0);
  const run_result fine = verify(store, {"--acked", "0:19", "--expect", "0:20"});
  EXPECT_EQ(fine.exit_code, 0) << show(fine);

  const run_result missing = verify(store, {"--acked", "0:20"});
  EXPECT_EQ(missing.exit_code, 1) << show(missing);
  EXPECT_TRUE(contains(missing.out, "MISSING queue 0: offset 20 was acknowledged")) << show(missing);
  const run_result other_queue = verify(store, {"--acked", "3:0"});
  EXPECT_EQ(other_queue.exit_code, 1) << show(other_queue);
  EXPECT_TRUE(contains(other_queue.out, "MISSING queue 3")) << show(other_queue);
}

TEST(verifier, reports_a_damaged_body_even_when_the_record_checksum_was_forged) {
  temp_dir work;
  const fs::path store = work.path() / "store";
  const run_result appended = append_bounded(store, 1, 5, 30);
  ASSERT_EQ(appended.exit_code, 0) << show(appended);
  const auto messages = appended_messages(appended.out);
  ASSERT_EQ(messages.size(), 30u);

  // Flip a body bit of message 10 and stamp a valid record crc over it (store-mmap's
  // layout: u32 size @0, u32 crc32c @8 of bytes [12, size)), so only the verifier can tell.
  const appended_message& victim = messages[10];
  const file_position at = locate(store, victim.log_offset);
  const uint64_t size = messages[11].log_offset - victim.log_offset;
  std::string record = read_bytes(at.file, at.position, size);
  ASSERT_EQ(load_u32(record, 0), size);
  const std::string body = make_message(0, 10).body;
  const size_t body_at = record.find(body);
  ASSERT_NE(body_at, std::string::npos);
  record[body_at + 40] = static_cast<char>(record[body_at + 40] ^ 0x10);
  const uint32_t crc = crc32c(std::string_view(record).substr(12));
  ASSERT_EQ(load_u32(read_bytes(at.file, at.position, size), 8),
            crc32c(std::string_view(read_bytes(at.file, at.position, size)).substr(12)))
      << "the record crc is not the crc32c this test forges";
  std::memcpy(record.data() + 8, &crc, sizeof crc);
  write_bytes(at.file, at.position, record);

  const run_result checked = verify(store);
  EXPECT_EQ(checked.exit_code, 1) << show(checked);
  EXPECT_TRUE(contains(checked.out, "QUEUE 0 10\n")) << show(checked);
  EXPECT_TRUE(contains(checked.out, "queue 0 offset 10 (log offset " +
                                        std::to_string(victim.log_offset) +
                                        "): body checksum mismatch"))
      << show(checked);
  EXPECT_FALSE(contains(checked.err, "commit log cut")) << "the forged record must pass the store\n"
                                                        << show(checked);
}

}  // namespace
}  // namespace berth::test::crash
