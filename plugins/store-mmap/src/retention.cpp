#include "retention.hpp"

#include <sys/statvfs.h>

#include <chrono>
#include <cmath>

namespace berth::store_mmap {

disk_usage read_disk_usage(const std::filesystem::path& path) noexcept {
  struct statvfs fs {};
  if (::statvfs(path.c_str(), &fs) != 0) return {};
  return disk_usage{uint64_t{fs.f_blocks} * fs.f_frsize, uint64_t{fs.f_bavail} * fs.f_frsize};
}

retention::retention(commit_log& log, queue_table& queues, key_index& index,
                     const store_config& config)
    : log_(log), queues_(queues), index_(index), config_(config) {}

bool retention::refresh_disk() {
  const disk_usage now = read_disk_usage(config_.dir);
  std::lock_guard lock(mutex_);
  usage_ = now;
  const bool full = now.total != 0 && now.used_ratio() > config_.disk_full;
  return disk_full_.exchange(full, std::memory_order_acq_rel) != full;
}

disk_usage retention::usage() const {
  std::lock_guard lock(mutex_);
  return usage_;
}

std::string retention::disk_full_message() const {
  const disk_usage u = usage();
  return "disk full: " + std::to_string(static_cast<int>(std::lround(u.used_ratio() * 100))) +
         "% of the file system holding " + config_.dir.string() + " is used (disk_full = " +
         std::to_string(static_cast<int>(std::lround(config_.disk_full * 100))) +
         "%); appends are refused until space is freed, reads go on";
}

berth_retention_report retention::run(int64_t now_ms, uint32_t flags) {
  std::lock_guard lock(mutex_);
  if (now_ms == 0) {
    now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  }
  const int64_t keep_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(config_.retention).count();
  // Space held by readers is freed only when they let go: count what we deleted instead of
  // re-reading the disk, so that pinned segments do not make us delete everything.
  const disk_usage before = read_disk_usage(config_.dir);
  uint64_t freed = 0;
  const auto over_high_water = [&] {
    if (before.total == 0) return false;
    const double available = static_cast<double>(before.available + freed);
    return 1.0 - available / static_cast<double>(before.total) > config_.disk_high_water;
  };

  berth_retention_report report{};
  report.struct_size = sizeof report;
  const auto segments = log_.segments();
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    const bool expired = segments[i].modified_ms + keep_ms < now_ms;
    const bool oldest_asked = (flags & BERTH_RETENTION_OLDEST) != 0 && i == 0;
    if (!expired && !oldest_asked && !over_high_water()) break;
    const uint64_t bytes = log_.remove_oldest();
    if (bytes == 0) break;
    freed += bytes;
    ++report.units_deleted;
  }
  const uint64_t log_min = log_.min_offset();
  if (report.units_deleted > 0) {
    queues_.for_each([&](consume_queue& q) { freed += q.remove_below_log(log_min); });
    freed += index_.remove_below_log(log_min);
  }
  report.bytes_freed = freed;
  report.log_min_offset = log_min;
  return report;
}

}  // namespace berth::store_mmap
