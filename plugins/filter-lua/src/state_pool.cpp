#include "state_pool.hpp"

namespace berth::plugins::filter_lua {

state_pool::state_pool(script_source source, budgets limits, std::unique_ptr<filter_state> first)
    : source_(std::move(source)), limits_(limits) {
  free_.push_back(std::move(first));
}

std::unique_ptr<filter_state> state_pool::take() {
  {
    std::lock_guard lock(mutex_);
    if (!free_.empty()) {
      std::unique_ptr<filter_state> state = std::move(free_.back());
      free_.pop_back();
      return state;
    }
  }
  return filter_state::create(source_, limits_);  // outside the lock: it runs the script
}

void state_pool::give_back(std::unique_ptr<filter_state> state) {
  std::lock_guard lock(mutex_);
  free_.push_back(std::move(state));
}

size_t state_pool::free_count_for_test() const {
  std::lock_guard lock(mutex_);
  return free_.size();
}

}  // namespace berth::plugins::filter_lua
