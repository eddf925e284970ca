// Which offsets of a queue are finished, as a bitmap from the lowest unfinished one: timers
// finish out of order (a 2 h delay parked before a 1 s one), and a restart must rescan from
// the lowest offset still pending, not from the last one delivered. One bit per offset between
// the low-water mark and the newest finished one.
#pragma once

#include <cstdint>
#include <deque>

namespace berth::kernel::timer {

class finished_offsets {
 public:
  // Every offset below `low_water` is finished.
  explicit finished_offsets(uint64_t low_water = 0);

  void finish(uint64_t offset);  // idempotent; offsets below the low-water mark are ignored
  [[nodiscard]] bool finished(uint64_t offset) const;
  // The lowest offset not finished.
  [[nodiscard]] uint64_t low_water() const;

 private:
  static constexpr uint64_t bits_per_word = 64;
  uint64_t first_word_ = 0;          // words_[0] holds offsets [first_word_*64, +64)
  std::deque<uint64_t> words_;       // never starts with an all-ones word
};

}  // namespace berth::kernel::timer
