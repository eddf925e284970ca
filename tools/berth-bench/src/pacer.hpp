// Rate limiting by pacing (GCRA, the virtual-schedule form of a token bucket): each reserve()
// books `n` messages on a schedule of one every 1/rate s and says when they may go. After an
// idle spell the schedule is pulled forward to at most `burst` messages before now, so a
// producer that fell behind catches up by at most that burst instead of flooding. Pure
// arithmetic on nanosecond time points: the tests drive it with made-up clocks.
#pragma once

#include <algorithm>
#include <cstdint>

namespace berth::tools {

class pacer {
 public:
  // `rate` messages per second; 0 (or less) is unlimited.
  explicit pacer(double rate, double burst = 1.0) : rate_(rate), burst_(std::max(burst, 1.0)) {}

  // Books `n` messages at `now_ns`; returns the time (ns, same clock) they may be sent, which
  // is `now_ns` or earlier when they may go at once.
  int64_t reserve(int64_t now_ns, uint64_t n = 1) {
    if (rate_ <= 0) return now_ns;
    const auto period = 1e9 / rate_;
    const auto tolerance = static_cast<int64_t>(burst_ * period);
    if (next_ns_ < now_ns - tolerance) next_ns_ = now_ns - tolerance;
    const int64_t at = next_ns_;
    debt_ns_ += static_cast<double>(n) * period;
    const auto whole = static_cast<int64_t>(debt_ns_);
    debt_ns_ -= static_cast<double>(whole);
    next_ns_ += whole;
    return at;
  }

  [[nodiscard]] double rate() const noexcept { return rate_; }

 private:
  double rate_;
  double burst_;
  int64_t next_ns_ = INT64_MIN / 2;
  double debt_ns_ = 0;  // the fraction of a nanosecond not yet added to next_ns_
};

}  // namespace berth::tools
