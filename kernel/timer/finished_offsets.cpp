#include "timer/finished_offsets.hpp"

#include <bit>
#include <cstddef>
#include <limits>

namespace berth::kernel::timer {
namespace {

constexpr uint64_t all_ones = std::numeric_limits<uint64_t>::max();

}  // namespace

finished_offsets::finished_offsets(uint64_t low_water) : first_word_(low_water / bits_per_word) {
  const uint64_t below = low_water % bits_per_word;
  if (below != 0) words_.push_back((uint64_t{1} << below) - 1);
}

void finished_offsets::finish(uint64_t offset) {
  const uint64_t word = offset / bits_per_word;
  if (word < first_word_) return;
  const auto index = static_cast<std::size_t>(word - first_word_);
  if (index >= words_.size()) words_.resize(index + 1, 0);
  words_[index] |= uint64_t{1} << (offset % bits_per_word);
  while (!words_.empty() && words_.front() == all_ones) {
    words_.pop_front();
    ++first_word_;
  }
}

bool finished_offsets::finished(uint64_t offset) const {
  const uint64_t word = offset / bits_per_word;
  if (word < first_word_) return true;
  const auto index = static_cast<std::size_t>(word - first_word_);
  if (index >= words_.size()) return false;
  return (words_[index] >> (offset % bits_per_word) & 1u) != 0;
}

uint64_t finished_offsets::low_water() const {
  const uint64_t base = first_word_ * bits_per_word;
  if (words_.empty()) return base;
  return base + static_cast<uint64_t>(std::countr_one(words_.front()));
}

}  // namespace berth::kernel::timer
