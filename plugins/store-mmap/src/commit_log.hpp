// The commit log: every record of every queue, in append order, in fixed-size segments named
// by their start offset (<dir>/<20-digit offset>). A record never spans two segments: when
// one does not fit, the rest of the segment gets the end-of-segment marker and the record goes
// to the next one. Offsets are absolute byte positions: segment start + position in segment.
//
// Threads: append() from one thread at a time (the caller serialises appends); everything
// else from any thread. Readers pin segments (shared_ptr), so retention can drop a segment
// while a read result still points into it.
#pragma once

#include "mapped_file.hpp"
#include "record.hpp"

#include <atomic>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <vector>

namespace berth::store_mmap {

// A record's bytes, pinned.
struct pinned_bytes {
  mapped_file_ptr file;
  std::span<const uint8_t> bytes;  // empty when nothing is there
};

// What recover() found.
struct log_recovery {
  uint64_t scanned_from = 0;
  uint64_t end_offset = 0;      // where the next record goes
  uint64_t records = 0;         // valid records scanned
  int64_t last_store_time_ms = 0;
  // Set when a corrupt or torn record ended the log early: where and why (file and position
  // included), so that the caller can log it. Empty when the log ended cleanly: at zeros or
  // at a marker, with nothing but an empty preallocated segment after it.
  std::string cut_reason;
  uint64_t cut_offset = 0;
  uint64_t bytes_cut = 0;       // bytes wiped after the cut, and in later segments
  std::vector<std::string> removed_files;  // later segments deleted by the cut
};

class commit_log {
 public:
  struct options {
    std::filesystem::path dir;  // created if missing
    uint64_t segment_size = uint64_t{1} << 30;
  };

  // Opens (or creates) the directory and maps every segment. Refuses (BERTH_E_IO, naming the
  // file) a segment of the wrong size, a file that is not a segment name (foreign files are
  // refused, not ignored), and a gap between segments. Does not scan: call recover().
  explicit commit_log(options opts);
  ~commit_log();

  // Scan from `from` (a record boundary or a segment start; clamped to the first segment)
  // to the end of valid data, verifying every record (magic, sizes, the offset it names, its
  // crc). The first invalid record ends the log: the rest of its segment is zeroed and later
  // segments are deleted. After a clean end the rest of the segment is zeroed too (stale bytes
  // must never line up with a later record), an empty segment after it (preallocate_next())
  // is kept for the next roll, and any other later segment is cut. on_record is called for
  // every valid record in order (the caller re-dispatches them). Sets the write position and
  // the durable offset to the end. Call once, before appending.
  log_recovery recover(uint64_t from,
                       const std::function<void(const decoded_record&)>& on_record);

  // Append one record of `size` bytes: `write(bytes, log_offset)` fills them (encode()). Rolls
  // to a new segment when needed (marker first). Returns the record's log offset. Throws
  // BERTH_E_INVALID when size > segment_size - blank_size, BERTH_E_FULL / BERTH_E_IO when a
  // new segment cannot be made (nothing is written then). The new end is published to readers
  // (write_offset()) only after `write` returned.
  uint64_t append(size_t size, const std::function<void(std::span<uint8_t>, uint64_t)>& write);

  // Where the next record goes (acquire: the bytes below are written).
  [[nodiscard]] uint64_t write_offset() const noexcept;
  // The first offset still held (the oldest segment's start), or the write offset when empty.
  [[nodiscard]] uint64_t min_offset() const;
  [[nodiscard]] uint64_t segment_size() const noexcept { return opts_.segment_size; }

  // The bytes from `offset` to the end of its segment, capped at write_offset(); empty when
  // offset is outside the log. For decode().
  [[nodiscard]] pinned_bytes tail_at(uint64_t offset) const;
  // Exactly [offset, offset + size), or empty when not (or no longer) in the log.
  [[nodiscard]] pinned_bytes at(uint64_t offset, uint32_t size) const;
  // The start of the segment after the one holding `offset` (for the end-of-segment marker).
  [[nodiscard]] uint64_t next_segment_start(uint64_t offset) const noexcept;

  // Make everything below `up_to` (<= write_offset()) stable; returns the new durable offset.
  // Throws BERTH_E_IO (the caller fences). One thread at a time.
  uint64_t flush(uint64_t up_to);
  [[nodiscard]] uint64_t durable_offset() const noexcept;

  struct segment_info {
    uint64_t start = 0;
    int64_t modified_ms = 0;
    std::filesystem::path path;
  };
  [[nodiscard]] std::vector<segment_info> segments() const;
  // Drop the oldest segment (never the one being written). Returns its bytes, 0 if none.
  uint64_t remove_oldest();

  // Create the segment after the current one ahead of need, so that a roll does not wait on
  // fallocate. Safe to call from any thread; does nothing if it exists already.
  void preallocate_next();

  // The smallest segment_size accepted.
  static constexpr uint64_t min_segment_size = 4096;

 private:
  struct segment {
    uint64_t start = 0;
    mapped_file_ptr file;
  };

  void load_segments();
  [[nodiscard]] std::filesystem::path segment_path(uint64_t start) const;
  // The listed segment holding `offset`, or null. Caller holds segments_mutex_.
  [[nodiscard]] const segment* find_locked(uint64_t offset) const noexcept;
  // Make the segment at `start` (the preallocated one if it matches) and list it.
  mapped_file_ptr add_segment(uint64_t start);
  // Unlink later segments after a cut, or keep an empty preallocated one as next_.
  void drop_after_end(const segment& end_segment, std::vector<segment> later,
                      log_recovery& result);

  options opts_;
  // Oldest first, contiguous: segments_[i].start == segments_[0].start + i * segment_size.
  mutable std::shared_mutex segments_mutex_;
  std::deque<segment> segments_;
  std::atomic<uint64_t> write_offset_{0};
  std::atomic<uint64_t> durable_offset_{0};
  // The appender's own handle on the segment it writes: appends take no lock unless rolling.
  mapped_file_ptr write_segment_;
  uint64_t write_segment_start_ = 0;
  std::atomic<bool> needs_recovery_{false};
  // Held while a segment file is made, so a roll and preallocate_next() never race for one.
  std::mutex next_mutex_;
  mapped_file_ptr next_;  // made ahead of need, not yet listed
  uint64_t next_start_ = 0;
  std::mutex flush_mutex_;
};

}  // namespace berth::store_mmap
