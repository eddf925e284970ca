// The key index: find messages by key (each of a message's keys, and its UNIQ_KEY property)
// and time. Files <root>/<20-digit first log offset>, each a fixed-size hash table:
//   header (64 bytes): magic, version, slot count, entry capacity, first log offset and a
//           crc32c of those (fixed when the file is made); then entry count, last log offset,
//           lowest/highest store time and the indexed-up-to offset (updated in place);
//   slots:  u32 per slot, the newest entry of the slot's chain (0 = empty);
//   entries (entry 0 unused): u32 key hash | u64 log offset | i64 store time | u32 previous.
// The hash is of "topic#key" (XXH3-64: slot = hash % slots, the entry keeps the high 32 bits).
// Only hashes are compared: callers load each message and check its real topic and key.
// A full file is followed by a new one. Built by the dispatcher from the commit log.
// Byte tables: plugins/store-mmap/README.md.
//
// Threads: put(), advance() and truncate from one thread at a time (the dispatcher, or
// recovery); remove_below_log() and flush() from one other thread (the housekeeper)
// concurrently with them; lookup() from any thread, concurrently. files_ is only touched under
// files_mutex_.
#pragma once

#include "mapped_file.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace berth::store_mmap {

struct index_load_report {
  uint64_t files = 0;
  std::vector<std::string> problems;  // each bad file with why; it was deleted (rebuilt later)
};

class key_index {
 public:
  struct options {
    std::filesystem::path dir;
    uint32_t slots = 5'000'000;
    uint32_t entries_per_file = 20'000'000;
  };
  explicit key_index(options opts);
  ~key_index();

  // Map existing files; a damaged file (bad header, crc, size) is reported and deleted.
  index_load_report load();
  // The log offset up to which records are indexed (recovery re-dispatches from there;
  // put() skips records below it).
  [[nodiscard]] uint64_t indexed_up_to() const noexcept;

  // Index one key of the record at log_offset. Records must come in log order; a record
  // below indexed_up_to() is skipped. Throws BERTH_E_FULL / BERTH_E_IO for a new file.
  void put(std::string_view topic, std::string_view key, uint64_t log_offset,
           int64_t store_time_ms);
  // Mark the record at log_offset (record_end = its end) as indexed even if it has no keys.
  void advance(uint64_t record_end) noexcept;

  // Log offsets of candidates for (topic, key) with store time in [begin_ms, end_ms], newest
  // first, at most max.
  [[nodiscard]] std::vector<uint64_t> lookup(std::string_view topic, std::string_view key,
                                             int64_t begin_ms, int64_t end_ms, size_t max) const;

  // Recovery after the log was cut at log_end: drop files that begin at or after it and void
  // the newest file's entries at or beyond it (its entry count goes back to before them and
  // chains skip them, on disk too, so lookups never return them and put() reuses the room).
  // indexed_up_to() goes back to log_end if it was beyond.
  void truncate_to_log(uint64_t log_end);
  // Delete files whose every entry lies below log_min (never the newest). Returns bytes freed.
  uint64_t remove_below_log(uint64_t log_min);
  // Make every put and advance stable. Throws BERTH_E_IO.
  void flush();

 private:
  struct index_file {
    mapped_file_ptr file;
    uint64_t name = 0;  // the offset in its name; first_log_offset unless that was taken
    uint64_t first_log_offset = 0;
    uint32_t slots = 0;  // geometry from the file's own header, so a config change keeps it
    uint32_t capacity = 0;
  };

  index_file& roll(uint64_t log_offset);
  // Drop files_[from, to) (each unlinked once nothing maps it); returns their bytes. Writer,
  // exclusive lock held.
  uint64_t drop_files(size_t from, size_t to) noexcept;

  options opts_;
  // Files in log order. Changed only by the writer under the exclusive lock, so the writer
  // reads it without locking; lookups hold the shared lock while they walk.
  mutable std::shared_mutex files_mutex_;
  std::vector<index_file> files_;
  std::atomic<uint64_t> indexed_up_to_{0};
  uint64_t unsynced_from_ = 0;  // writer only: files named at or after this may be dirty
};

}  // namespace berth::store_mmap
