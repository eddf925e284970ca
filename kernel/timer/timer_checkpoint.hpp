// <data_dir>/config/timer.json: how far the timer queue is known to be finished, so that a
// restart rescans only what may still be pending and does not deliver again what was
// delivered.
//
//   {"version": 1, "low_water": 120, "loaded_to": 180, "fired_to_ms": 1764000000000}
//
// Every timer-queue offset below low_water is finished; of the offsets below loaded_to, every
// one whose fire time is at or before fired_to_ms is finished too (a delivery finished after
// the last save is delivered again after a crash: at least once).
#pragma once

#include "common/result.hpp"

#include <cstdint>
#include <filesystem>

namespace berth::kernel::timer {

struct timer_checkpoint {
  uint64_t low_water = 0;
  uint64_t loaded_to = 0;
  int64_t fired_to_ms = 0;
  bool operator==(const timer_checkpoint&) const = default;
};

inline std::filesystem::path timer_checkpoint_path(const std::filesystem::path& data_dir) {
  return data_dir / "config" / "timer.json";
}

// A missing file is a fresh start (all zero); a damaged one is an error naming the file.
result<timer_checkpoint> load_timer_checkpoint(const std::filesystem::path& file);
result<void> save_timer_checkpoint(const std::filesystem::path& file, const timer_checkpoint& c);

}  // namespace berth::kernel::timer
