// A log-linear histogram of non-negative integers (latencies in ns), HdrHistogram's idea in
// a few lines: values below 2^sub_bits are counted exactly; above, every power-of-two range
// [2^k, 2^(k+1)) is split into 2^sub_bits equal buckets. With sub_bits = 7 a bucket is at most
// 1/128 of its values wide and the reported value is its midpoint, so every percentile is
// within 0.4 % of a recorded value. Fixed size (7424 counters, 58 KiB), no allocation after
// construction; not thread-safe (one per thread, merged at the end).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace berth::tools {

class log_histogram {
 public:
  static constexpr unsigned sub_bits = 7;

  log_histogram();

  void record(uint64_t value, uint64_t times = 1);
  void merge(const log_histogram& other);
  void reset();

  [[nodiscard]] uint64_t count() const noexcept { return count_; }
  [[nodiscard]] uint64_t min() const noexcept { return count_ == 0 ? 0 : min_; }
  [[nodiscard]] uint64_t max() const noexcept { return max_; }
  [[nodiscard]] double mean() const noexcept;
  // The value at percentile `p` (0..100]: the smallest recorded value v such that at least
  // p % of the values are <= v, to within the bucket's width; 0 when empty.
  [[nodiscard]] uint64_t percentile(double p) const noexcept;

  // Bucket arithmetic, public for the tests.
  [[nodiscard]] static size_t index_of(uint64_t value) noexcept;
  [[nodiscard]] static uint64_t lowest_of(size_t index) noexcept;
  [[nodiscard]] static uint64_t width_of(size_t index) noexcept;

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace berth::tools
