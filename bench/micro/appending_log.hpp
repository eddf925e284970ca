// store-mmap's write side as the store runs it under flush = "async", without the store's
// threads: a commit log in a scratch directory and the appender in front of it. The flusher
// is left out (async flush syncs in the background, off the append path), so what is timed
// is the CPU work of an append: checks, record encoding, CRC32C and the copy into the mapping.
//
// prefault: the segment's pages are faulted in, writable, before the first timed append, so
// that page faults (one per 4 KiB, the kernel's zeroing and ext4's page_mkwrite) do not
// dominate. Without it the figures include them, as a broker writing a fresh segment pays.
#pragma once

#include "scratch_dir.hpp"

#include "appender.hpp"
#include "commit_log.hpp"
#include "store_config.hpp"

#include <cstdint>
#include <memory>

namespace berth::bench::micro {

class appending_log {
 public:
  appending_log(uint64_t segment_size, bool prefault);

  // Whether `bytes` of records still fit the segment being written (no roll, no new file).
  [[nodiscard]] bool has_room(uint64_t bytes) const;
  // Start over on a new, empty log (the old one is deleted, its pages dropped unwritten).
  void restart();

  [[nodiscard]] store_mmap::commit_log& log() { return *log_; }
  [[nodiscard]] store_mmap::appender& appender() { return *appender_; }
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_->path(); }

 private:
  void open();
  void prefault_first_segment();

  store_mmap::store_config config_;
  bool prefault_;
  std::unique_ptr<scratch_dir> dir_;
  std::unique_ptr<store_mmap::commit_log> log_;
  std::unique_ptr<store_mmap::appender> appender_;
};

}  // namespace berth::bench::micro
