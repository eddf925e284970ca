#include "error_counters.hpp"

namespace berth::plugins::filter_lua {

error_counters error_counters::register_with(const sdk::host& host) {
  return error_counters{
      host.counter("lua_filter_errors_total",
                   "Lua filter calls that failed (counted as no match), for any reason"),
      host.counter("lua_filter_runtime_errors_total",
                   "Lua filter calls that raised an error or returned a non-boolean"),
      host.counter("lua_filter_instruction_limit_errors_total",
                   "Lua filter calls stopped by instruction_limit"),
      host.counter("lua_filter_memory_limit_errors_total",
                   "Lua filter calls stopped by memory_limit"),
  };
}

void error_counters::count(call_outcome reason) const noexcept {
  errors.add();
  switch (reason) {
    case call_outcome::runtime_error: runtime_errors.add(); break;
    case call_outcome::instruction_limit: instruction_limit_errors.add(); break;
    case call_outcome::memory_limit: memory_limit_errors.add(); break;
    case call_outcome::matched:
    case call_outcome::not_matched: break;
  }
}

}  // namespace berth::plugins::filter_lua
