// store-mmap's settings: the plugin's schema (what berthd validates and --describe-plugin
// shows) and the values read from the validated table.
#pragma once

#include <berth/plugin/host.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>

namespace berth::store_mmap {

enum class flush_mode { sync, async };

struct store_config {
  std::filesystem::path dir;  // the store's root; commitlog/, consumequeue/, index/ inside
  uint64_t segment_size = uint64_t{1} << 30;
  flush_mode flush = flush_mode::async;
  std::chrono::nanoseconds flush_interval = std::chrono::milliseconds(500);
  uint64_t max_unflushed = uint64_t{64} << 20;  // async: appends wait beyond this
  uint64_t max_message_size = uint64_t{4} << 20;
  uint64_t queue_file_entries = 300'000;
  uint32_t index_slots = 1'000'000;
  uint32_t index_entries = 4'000'000;
  std::chrono::nanoseconds retention = std::chrono::hours(72);
  std::chrono::nanoseconds housekeeping_interval = std::chrono::seconds(1);
  double disk_high_water = 0.85;  // delete the oldest segments, expired or not, above this
  double disk_full = 0.95;        // refuse appends above this
};

// The JSON schema of the plugin's keys.
extern const char* const store_schema;

// Read the validated table through the host. `path` defaults to <data_dir>/store.
[[nodiscard]] store_config read_store_config(const sdk::host& host);

}  // namespace berth::store_mmap
