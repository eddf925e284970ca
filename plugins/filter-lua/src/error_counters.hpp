// The plugin's error metrics, registered once per instance in create() and shared by all its
// compiled expressions: berth_lua_filter_errors_total counts every failed call, and one
// counter per reason splits it.
#pragma once

#include "filter_state.hpp"

#include <berth/plugin/host.hpp>

namespace berth::plugins::filter_lua {

struct error_counters {
  sdk::metric errors;
  sdk::metric runtime_errors;
  sdk::metric instruction_limit_errors;
  sdk::metric memory_limit_errors;

  [[nodiscard]] static error_counters register_with(const sdk::host& host);
  void count(call_outcome reason) const noexcept;
};

}  // namespace berth::plugins::filter_lua
