// One compiled expression: a script's function, run by a pool of its own Lua states. A call
// that fails (error, non-boolean result, spent budget) is no match, reported, and never
// blocks delivery; a state left unfit by it is replaced by a fresh one.
#pragma once

#include "error_reporter.hpp"
#include "state_pool.hpp"

#include <berth/plugin/filter.hpp>

namespace berth::plugins::filter_lua {

class lua_script final : public sdk::compiled_filter {
 public:
  // Runs the script's top level once; throws sdk::plugin_error(BERTH_E_INVALID, "col N: ...").
  lua_script(const sdk::host& host, const error_counters& counters,
             std::chrono::nanoseconds error_log_interval, script_source source,
             const budgets& limits);

  [[nodiscard]] bool match(const sdk::message& m) const override;
  [[nodiscard]] size_t idle_states_for_test() const { return pool_.free_count_for_test(); }

 private:
  mutable error_reporter reporter_;
  mutable state_pool pool_;
};

}  // namespace berth::plugins::filter_lua
