#include "error_reporter.hpp"

namespace berth::plugins::filter_lua {
namespace {

const char* reason_name(call_outcome reason) {
  switch (reason) {
    case call_outcome::instruction_limit: return "instruction limit";
    case call_outcome::memory_limit: return "memory limit";
    default: return "runtime error";
  }
}

}  // namespace

error_reporter::error_reporter(const sdk::host& host, const error_counters& counters,
                               std::chrono::nanoseconds interval, std::string label)
    : host_(host), counters_(counters), interval_(interval), label_(std::move(label)) {}

void error_reporter::report(call_outcome reason, const located_error& error) {
  counters_.count(reason);
  const std::chrono::nanoseconds now = host_.now_monotonic();
  uint64_t unlogged = 0;
  {
    std::lock_guard lock(mutex_);
    if (last_logged_ && now - *last_logged_ < interval_) {
      ++unlogged_;
      return;
    }
    last_logged_ = now;
    unlogged = unlogged_;
    unlogged_ = 0;
  }
  if (unlogged == 0) {
    host_.warn("lua filter ", label_, ": ", reason_name(reason), ": ", describe(error),
               " (counted as no match)");
  } else {
    host_.warn("lua filter ", label_, ": ", reason_name(reason), ": ", describe(error),
               " (counted as no match; ", unlogged, " more errors since the last line were not logged)");
  }
}

}  // namespace berth::plugins::filter_lua
