// Reports the failed calls of one compiled expression: every one is counted; at most one warn
// line per interval is logged, with Lua's error text and how many were left unlogged since
// the previous line. Any thread.
#pragma once

#include "error_counters.hpp"
#include "filter_state.hpp"

#include <berth/plugin/host.hpp>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace berth::plugins::filter_lua {

class error_reporter {
 public:
  error_reporter(const sdk::host& host, const error_counters& counters,
                 std::chrono::nanoseconds interval, std::string label);

  void report(call_outcome reason, const located_error& error);

 private:
  const sdk::host& host_;
  const error_counters& counters_;
  const std::chrono::nanoseconds interval_;
  const std::string label_;

  std::mutex mutex_;
  std::optional<std::chrono::nanoseconds> last_logged_;  // guarded by mutex_
  uint64_t unlogged_ = 0;                               // guarded by mutex_
};

}  // namespace berth::plugins::filter_lua
