// Pending timers by the time they fire, in a two-level hashed wheel: one slot per second for
// the current hour, one bucket per hour beyond it. Adding is O(1); an hour's bucket is spread
// over the second slots once, when that hour begins; only the entries due at one wake-up are
// ever sorted. An entry is 16 bytes, so a million pending timers cost about 16-32 MiB.
// Not thread-safe: the timer service serializes calls.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace berth::kernel::timer {

class timer_wheel {
 public:
  struct entry {
    int64_t fire_ms = 0;  // Unix epoch milliseconds
    uint64_t offset = 0;  // what fires: the parked message's offset in the timer queue
    bool operator==(const entry&) const = default;
  };

  // Nothing before `now_ms` is waited for: an older entry is due at the next take_due().
  explicit timer_wheel(int64_t now_ms);

  void add(entry e);
  // Remove and return every entry with fire_ms <= now_ms, earliest first (then by offset).
  std::vector<entry> take_due(int64_t now_ms);
  // When take_due() should next be called: the earliest fire time among near entries, or the
  // start of the first hour holding entries; nothing when empty.
  [[nodiscard]] std::optional<int64_t> next_wake_ms() const;
  [[nodiscard]] size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }

 private:
  static constexpr int64_t ms_per_second = 1000;
  static constexpr int64_t seconds_per_hour = 3600;
  static constexpr int64_t ms_per_hour = ms_per_second * seconds_per_hour;

  std::vector<entry>& near_slot(int64_t second);
  [[nodiscard]] const std::vector<entry>& near_slot(int64_t second) const;
  void start_hour(int64_t hour, std::vector<entry>& due);
  void take_near(int64_t last_second, int64_t now_ms, std::vector<entry>& due);

  int64_t hour_ = 0;            // the hour the near slots hold
  int64_t cursor_second_ = 0;   // near slots before this second are empty
  std::array<std::vector<entry>, seconds_per_hour> near_{};
  size_t near_count_ = 0;
  std::map<int64_t, std::vector<entry>> far_;  // hour -> its entries, unsorted
  std::vector<entry> overdue_;                 // added after their second had passed
  size_t size_ = 0;
};

}  // namespace berth::kernel::timer
