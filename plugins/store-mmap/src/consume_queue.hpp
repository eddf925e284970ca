// One consume queue: the index of a (topic, queue) into the commit log. Fixed-width entries,
// entry q (queue offset q) at byte q * entry_size of the queue's files, which live in
// <root>/<topic>/<queue id>/<20-digit first queue offset> and hold entries_per_file entries.
// Entry, little-endian: @0 u64 log offset | @8 u32 record size | @12 u32 crc32c of the other
// 28 bytes | @16 u64 tag hash | @24 i64 store time. An all-zero entry marks the end (and, in
// the first file, the blank space before the queue's start); the crc tells a torn or
// overwritten entry from a real one. Built by the dispatcher from the commit log, so it can
// always be rebuilt from it.
//
// Threads: put(), truncate and destroy from one thread at a time (the dispatcher, or recovery
// before the store opens); remove_below_log() and flush() from one other thread (the
// housekeeper) concurrently with them; reads from any thread, concurrently. files_ is only
// touched under files_mutex_ (the writer's own reads included).
#pragma once

#include "mapped_file.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <vector>

namespace berth::store_mmap {

inline constexpr size_t consume_queue_entry_size = 32;

struct queue_entry {
  uint64_t log_offset = 0;
  uint32_t size = 0;
  uint64_t tag_hash = 0;
  int64_t store_time_ms = 0;
};

// What load() found and fixed.
struct queue_load_report {
  uint64_t entries = 0;
  std::vector<std::string> problems;  // file and position of each invalid thing, and the fix
};

class consume_queue {
 public:
  consume_queue(std::filesystem::path dir, std::string topic, uint32_t queue_id,
                uint64_t entries_per_file);
  ~consume_queue();

  // Map the existing files. The end is the first zero entry of the last file; a file of the
  // wrong size, a name that is not an offset, a gap between files or an entry whose log
  // offsets go backwards are reported and cut there (never thrown: the queue is rebuilt from
  // the log). Called once, before use.
  queue_load_report load();

  // Write entry q. Idempotent for recovery: q < max_offset() is ignored; q > max_offset()
  // (a queue whose earlier files were removed, or a new queue starting at q) starts there,
  // leaving the entries before it blank: min_offset() becomes q and any older entries and
  // files go, since a queue with a hole could not be loaded again. Creates files as needed
  // (throws BERTH_E_FULL / BERTH_E_IO; BERTH_E_INVALID for a size of 0). Publishes the new
  // max after the entry is written.
  void put(uint64_t queue_offset, const queue_entry& entry);

  [[nodiscard]] const std::string& topic() const noexcept;
  [[nodiscard]] uint32_t queue_id() const noexcept;
  // [min_offset, max_offset) are readable.
  [[nodiscard]] uint64_t min_offset() const noexcept;
  [[nodiscard]] uint64_t max_offset() const noexcept;
  // The log end the last entry covers (log offset + size), 0 when empty.
  [[nodiscard]] uint64_t last_log_end() const noexcept;

  // Up to out.size() entries from q; returns how many (0 when q is outside the bounds).
  size_t get(uint64_t queue_offset, std::span<queue_entry> out) const;
  // The first q in bounds whose store time >= time_ms (binary search); max_offset() when none.
  [[nodiscard]] uint64_t offset_by_time(int64_t time_ms) const;

  // Drop every entry whose record ends after log_end (recovery, after the log was cut).
  void truncate_to_log(uint64_t log_end);
  // Raise min_offset past entries whose record starts below log_min (retention) and delete
  // files whose entries all lie below it. Returns bytes freed.
  uint64_t remove_below_log(uint64_t log_min);
  // Make written entries stable. Throws BERTH_E_IO.
  void flush();
  // Delete every file and the queue's directory (its topic is gone, or the log is empty).
  // The queue is empty afterwards and may be written again from any offset.
  void destroy();

 private:
  struct queue_file {
    uint64_t start = 0;  // queue offset of its first entry
    mapped_file_ptr file;
  };

  [[nodiscard]] uint64_t file_bytes() const noexcept;
  [[nodiscard]] uint64_t file_start_of(uint64_t queue_offset) const noexcept;
  // Entry q of the mapped files, nullptr when no file holds it. Readers hold files_mutex_.
  [[nodiscard]] uint8_t* entry_at(uint64_t queue_offset) const noexcept;
  [[nodiscard]] queue_entry read(uint64_t queue_offset) const noexcept;
  // First q in [from, to) whose record starts at or after log_offset (or ends after it with
  // by_end), `to` when none: entries are in log order.
  [[nodiscard]] uint64_t first_at_or_after(uint64_t from, uint64_t to, uint64_t log_offset,
                                           bool by_end) const noexcept;
  // load(): the first offset from min on that is blank or invalid (then `cut` says why).
  uint64_t scan_end(uint64_t min, std::string& cut) const;
  uint8_t* writable_entry(uint64_t queue_offset);
  void restart_at(uint64_t queue_offset);
  // Drop files_[from, to) (each unlinked once nothing maps it); returns their bytes. Writer,
  // exclusive lock held.
  uint64_t drop_files(size_t from, size_t to) noexcept;

  std::filesystem::path dir_;
  std::string topic_;
  uint32_t queue_id_ = 0;
  uint64_t entries_per_file_ = 0;
  // Contiguous files in offset order. Changed only by the writer under the exclusive lock,
  // so the writer reads it without locking.
  mutable std::shared_mutex files_mutex_;
  std::vector<queue_file> files_;
  std::atomic<uint64_t> min_offset_{0};
  std::atomic<uint64_t> max_offset_{0};
  std::atomic<uint64_t> last_log_end_{0};
  uint64_t flushed_offset_ = 0;  // writer only: entries below are stable
};

}  // namespace berth::store_mmap
