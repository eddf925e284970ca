#include "retention_timer.hpp"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <utility>

namespace berth::plugins::store_memory {

struct retention_timer::state {
  state(const sdk::host& h, std::chrono::nanoseconds every, std::function<void()> w)
      : host(h), interval(every), work(std::move(w)) {}

  const sdk::host& host;
  const std::chrono::nanoseconds interval;
  const std::function<void()> work;

  std::mutex mutex;
  std::condition_variable idle;
  bool stopped = false;  // guarded by mutex
  bool running = false;  // guarded by mutex
  uint64_t task = 0;     // guarded by mutex: the pending run

  // Logging must not throw here: `running` has to be reset whatever happens.
  void log(sdk::log_level level, const char* what, const char* why) const noexcept {
    try {
      host.log(level, what, why);
    } catch (...) {
    }
  }

  // Post the next run. Caller holds mutex and has checked !stopped.
  static void schedule(const std::shared_ptr<state>& self) {
    self->task = self->host.post(self->interval, [self] { fire(self); });
  }

  static void fire(const std::shared_ptr<state>& self) {
    {
      std::lock_guard lock(self->mutex);
      if (self->stopped) return;
      self->running = true;
    }
    try {
      self->work();
    } catch (const std::exception& e) {
      self->log(sdk::log_level::warn, "scheduled retention failed: ", e.what());
    } catch (...) {
      self->log(sdk::log_level::warn, "scheduled retention failed: unknown exception", "");
    }
    std::lock_guard lock(self->mutex);
    self->running = false;
    self->idle.notify_all();
    if (self->stopped) return;
    try {
      schedule(self);
    } catch (const std::exception& e) {
      // The host is shutting down (BERTH_E_CLOSED): nothing more will run.
      self->log(sdk::log_level::debug, "scheduled retention ends: ", e.what());
    }
  }
};

retention_timer::retention_timer(const sdk::host& host, std::chrono::nanoseconds interval,
                                 std::function<void()> work)
    : state_(std::make_shared<state>(host, interval, std::move(work))) {}

retention_timer::~retention_timer() { stop(); }

void retention_timer::start() {
  std::lock_guard lock(state_->mutex);
  if (state_->stopped || state_->task != 0) return;
  state::schedule(state_);
}

void retention_timer::stop() noexcept {
  uint64_t pending = 0;
  {
    std::lock_guard lock(state_->mutex);
    if (state_->stopped) return;
    state_->stopped = true;
    pending = state_->task;
  }
  // 0 from cancel: the task already ran or is running; a running one is waited for below, and
  // one that has not yet taken the lock will find the timer stopped.
  if (pending != 0) (void)state_->host.cancel(pending);
  std::unique_lock lock(state_->mutex);
  state_->idle.wait(lock, [this] { return !state_->running; });
}

}  // namespace berth::plugins::store_memory
