// The Lua states of one compiled expression. A lua_State runs one call at a time while match()
// runs on any network thread at once, so each call takes a free state or, when all are busy,
// makes another (loading and running the script again). The pool holds at most as many states
// as there were calls at once.
#pragma once

#include "filter_state.hpp"

#include <memory>
#include <mutex>
#include <vector>

namespace berth::plugins::filter_lua {

class state_pool {
 public:
  // `first` is the state compile() made from the same source and budgets.
  state_pool(script_source source, budgets limits, std::unique_ptr<filter_state> first);

  // A free state, or a new one (may throw sdk::plugin_error).
  [[nodiscard]] std::unique_ptr<filter_state> take();
  void give_back(std::unique_ptr<filter_state> state);

  [[nodiscard]] size_t free_count_for_test() const;

 private:
  const script_source source_;
  const budgets limits_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<filter_state>> free_;  // guarded by mutex_
};

}  // namespace berth::plugins::filter_lua
