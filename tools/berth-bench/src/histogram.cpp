#include "histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace berth::tools {

namespace {
constexpr uint64_t sub_count = uint64_t{1} << log_histogram::sub_bits;
// Bands: band 0 holds [0, 2^sub_bits) exactly, band b >= 1 holds [2^(sub_bits+b-1),
// 2^(sub_bits+b)) in buckets 2^(b-1) wide; 64 - sub_bits + 1 bands cover every uint64_t.
constexpr size_t bucket_count = (64 - log_histogram::sub_bits + 1) * sub_count;
}  // namespace

log_histogram::log_histogram() : counts_(bucket_count, 0) {}

size_t log_histogram::index_of(uint64_t value) noexcept {
  if (value < sub_count) return static_cast<size_t>(value);
  const auto k = static_cast<unsigned>(std::bit_width(value) - 1);  // 2^k <= value
  const unsigned shift = k - sub_bits;
  return static_cast<size_t>(((uint64_t{shift} + 1) << sub_bits) + ((value >> shift) - sub_count));
}

uint64_t log_histogram::lowest_of(size_t index) noexcept {
  const size_t band = index >> sub_bits;
  if (band == 0) return index;
  const auto shift = static_cast<unsigned>(band - 1);
  return (sub_count + (index & (sub_count - 1))) << shift;
}

uint64_t log_histogram::width_of(size_t index) noexcept {
  const size_t band = index >> sub_bits;
  return band == 0 ? 1 : uint64_t{1} << (band - 1);
}

void log_histogram::record(uint64_t value, uint64_t times) {
  if (times == 0) return;
  counts_[index_of(value)] += times;
  count_ += times;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  sum_ += static_cast<long double>(value) * static_cast<long double>(times);
}

void log_histogram::merge(const log_histogram& other) {
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

void log_histogram::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  min_ = UINT64_MAX;
  max_ = 0;
  sum_ = 0;
}

double log_histogram::mean() const noexcept {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_ / static_cast<long double>(count_));
}

uint64_t log_histogram::percentile(double p) const noexcept {
  if (count_ == 0) return 0;
  if (p >= 100.0) return max_;
  const double wanted = std::ceil(p / 100.0 * static_cast<double>(count_));
  const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(wanted));
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const uint64_t mid = lowest_of(i) + (width_of(i) - 1) / 2;
      return std::clamp(mid, min(), max_);
    }
  }
  return max_;
}

}  // namespace berth::tools
