// Retention and disk protection. Whole commit-log segments go, oldest first, never the one
// being written: when last written longer ago than `retention`, when asked to drop the
// oldest, or while the file system is fuller than disk_high_water. Above disk_full the store
// refuses appends (reads go on) until space comes back. Consume queues and the key index
// follow the log's new start.
#pragma once

#include "commit_log.hpp"
#include "key_index.hpp"
#include "queue_table.hpp"
#include "store_config.hpp"

#include <berth/abi/berth_store.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>

namespace berth::store_mmap {

struct disk_usage {
  uint64_t total = 0;
  uint64_t available = 0;  // to unprivileged writers
  [[nodiscard]] double used_ratio() const noexcept {
    return total == 0 ? 0.0 : 1.0 - static_cast<double>(available) / static_cast<double>(total);
  }
};

// statvfs of the file system holding `path`; zeros when it cannot be read.
[[nodiscard]] disk_usage read_disk_usage(const std::filesystem::path& path) noexcept;

class retention {
 public:
  retention(commit_log& log, queue_table& queues, key_index& index, const store_config& config);

  // Delete what is due as of now_ms (flags: BERTH_RETENTION_*). Any thread; one run at a time.
  berth_retention_report run(int64_t now_ms, uint32_t flags);
  // Re-read disk use and update the disk-full state. Returns true when it changed.
  bool refresh_disk();
  [[nodiscard]] bool disk_full() const noexcept { return disk_full_.load(std::memory_order_acquire); }
  [[nodiscard]] disk_usage usage() const;
  // The error an append gets while the disk is full.
  [[nodiscard]] std::string disk_full_message() const;

 private:
  commit_log& log_;
  queue_table& queues_;
  key_index& index_;
  const store_config& config_;
  mutable std::mutex mutex_;
  disk_usage usage_;
  std::atomic<bool> disk_full_{false};
};

}  // namespace berth::store_mmap
