#include "lua_script.hpp"

#include <berth/plugin/error.hpp>

namespace berth::plugins::filter_lua {

lua_script::lua_script(const sdk::host& host, const error_counters& counters,
                       std::chrono::nanoseconds error_log_interval, script_source source,
                       const budgets& limits)
    : reporter_(host, counters, error_log_interval, source.label),
      pool_(source, limits, filter_state::create(source, limits)) {}

bool lua_script::match(const sdk::message& m) const {
  std::unique_ptr<filter_state> state;
  try {
    state = pool_.take();
  } catch (const sdk::plugin_error& e) {
    // A new state runs the top level again; it passed at compile, so this is rare (memory).
    reporter_.report(call_outcome::runtime_error, {0, e.what()});
    return false;
  }
  const call_result result = state->call(m.abi());
  switch (result.outcome) {
    case call_outcome::matched:
    case call_outcome::not_matched:
      pool_.give_back(std::move(state));
      return result.outcome == call_outcome::matched;
    case call_outcome::runtime_error:
    case call_outcome::instruction_limit:
    case call_outcome::memory_limit:
      break;
  }
  reporter_.report(result.outcome, result.error);
  if (state->recover()) pool_.give_back(std::move(state));
  return false;
}

}  // namespace berth::plugins::filter_lua
