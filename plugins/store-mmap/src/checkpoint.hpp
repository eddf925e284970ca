// The checkpoint: where recovery may start. Written whole to <dir>/checkpoint.tmp, fsynced,
// renamed over <dir>/checkpoint and the directory fsynced, so it is either the old or the
// new one, never torn. Carries a crc; a damaged or foreign file reads as "none" (recovery
// then scans the whole log) with the reason.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace berth::store_mmap {

struct checkpoint {
  // Every record below this offset is durable in the log AND its consume-queue and index
  // entries are durable: recovery scans from here.
  uint64_t dispatched_offset = 0;
  int64_t last_store_time_ms = 0;  // of the record just below dispatched_offset
  uint64_t segment_size = 0;       // the log's segment size when written (a change is refused)
};

struct checkpoint_read {
  std::optional<checkpoint> value;
  std::string problem;  // why value is empty although the file exists; "" when absent or fine
};

[[nodiscard]] checkpoint_read read_checkpoint(const std::filesystem::path& dir);
// Throws BERTH_E_IO / BERTH_E_FULL.
void write_checkpoint(const std::filesystem::path& dir, const checkpoint& value);

// The marker of a running store: present from open to clean close. Its presence at open
// means the last run did not close cleanly.
[[nodiscard]] bool abort_marker_exists(const std::filesystem::path& dir);
void create_abort_marker(const std::filesystem::path& dir);
void remove_abort_marker(const std::filesystem::path& dir);

}  // namespace berth::store_mmap
