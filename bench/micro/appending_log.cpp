#include "appending_log.hpp"

#include "store_samples.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <array>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14
#endif

namespace berth::bench::micro {

appending_log::appending_log(uint64_t segment_size, bool prefault) : prefault_(prefault) {
  config_.segment_size = segment_size;
  config_.flush = store_mmap::flush_mode::async;
  open();
}

void appending_log::open() {
  appender_.reset();
  log_.reset();
  dir_ = std::make_unique<scratch_dir>();  // after the old log is gone: its files go with it
  config_.dir = dir_->path();
  log_ = std::make_unique<store_mmap::commit_log>(
      store_mmap::commit_log::options{dir_->path() / "commitlog", config_.segment_size});
  (void)log_->recover(0, {});
  appender_ = std::make_unique<store_mmap::appender>(*log_, config_);
  if (prefault_) prefault_first_segment();
}

void appending_log::restart() { open(); }

bool appending_log::has_room(uint64_t bytes) const {
  const uint64_t size = log_->segment_size();
  const uint64_t pos = log_->write_offset() % size;
  return pos + bytes + store_mmap::blank_size <= size;
}

void appending_log::prefault_first_segment() {
  // The segment is made by the first append; its mapping is then reachable through tail_at.
  const message_views first(1, 16);
  std::array<berth_append_result, 1> result{};
  (void)appender_->write(first.all(), result, 0);
  const store_mmap::pinned_bytes mapped = log_->tail_at(0);
  store_mmap::mapped_file& file = *mapped.file;
  if (::madvise(file.data(), file.size(), MADV_POPULATE_WRITE) == 0) return;
  // Older kernels: touch each page past the record (the segment is zeros; zeros stay).
  const auto page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  for (uint64_t at = page; at < file.size(); at += page) {
    *static_cast<volatile uint8_t*>(file.data() + at) = 0;
  }
}

}  // namespace berth::bench::micro
