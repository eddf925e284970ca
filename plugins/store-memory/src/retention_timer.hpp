// Runs a piece of work (the store's retention) on the host's scheduler every `interval`, until
// stop(). Each run posts the next one, so runs never overlap.
//
// The posted tasks share a small state with the timer, not the timer itself: a task that fires
// while stop() runs finds it stopped and returns without touching the work's owner, and stop()
// waits for a run in progress, so once stop() returns the work is never called again.
#pragma once

#include <berth/plugin/host.hpp>

#include <chrono>
#include <functional>
#include <memory>

namespace berth::plugins::store_memory {

class retention_timer {
 public:
  // `work` runs on a host executor thread; an exception from it is logged and the timer goes on.
  retention_timer(const sdk::host& host, std::chrono::nanoseconds interval,
                  std::function<void()> work);
  ~retention_timer();  // stop()
  retention_timer(const retention_timer&) = delete;
  retention_timer& operator=(const retention_timer&) = delete;

  // Schedule the first run. Throws plugin_error when the host refuses to schedule.
  void start();
  // Cancel the pending run and wait for one in progress. Idempotent; never from inside `work`.
  void stop() noexcept;

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace berth::plugins::store_memory
