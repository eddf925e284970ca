#include "executor/scheduler.hpp"

#include <atomic>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace berth::kernel::executor {

owner_id new_owner() {
  static std::atomic<owner_id> next{1};
  return next++;
}


// A timer object is only touched on pool threads (or before its wait starts), so that a
// cancel from any thread never races the timer's own completion.
struct scheduler::task {
  owner_id owner;
  std::function<void()> run;
  std::function<void()> drop;
  boost::asio::steady_timer timer;
  task(owner_id o, std::function<void()> r, std::function<void()> d, boost::asio::io_context& io)
      : owner(o), run(std::move(r)), drop(std::move(d)), timer(io) {}
};

namespace {
void cancel_timer_on_pool(boost::asio::io_context& io, std::shared_ptr<scheduler::task> t);
}

scheduler::scheduler(unsigned threads) : work_(boost::asio::make_work_guard(io_)) {
  for (unsigned i = 0; i < (threads == 0 ? 1 : threads); ++i) {
    threads_.emplace_back([this] { io_.run(); });
  }
}

scheduler::~scheduler() { shutdown(); }

task_id scheduler::post(owner_id owner, std::chrono::nanoseconds delay, std::function<void()> run,
                        std::function<void()> drop) {
  std::lock_guard lock(mutex_);
  if (closed_) return 0;
  const task_id id = next_id_++;
  auto t = std::make_shared<task>(owner, std::move(run), std::move(drop), io_);
  t->timer.expires_after(delay);
  // The handler keeps the task alive until the timer completes, fired or cancelled.
  t->timer.async_wait([this, id, t](const boost::system::error_code&) { fire(id); });
  pending_.emplace(id, std::move(t));
  return id;
}

void scheduler::fire(task_id id) {
  std::shared_ptr<task> t;
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(id);
    if (it == pending_.end()) return;  // cancelled: its drop already ran
    t = it->second;
    pending_.erase(it);
    ++running_[t->owner];
  }
  t->run();
  t->run = nullptr;  // release captured state now, not when the last reference goes
  {
    std::lock_guard lock(mutex_);
    if (--running_[t->owner] == 0) running_.erase(t->owner);
  }
  idle_.notify_all();
}

namespace {
void cancel_timer_on_pool(boost::asio::io_context& io, std::shared_ptr<scheduler::task> t) {
  boost::asio::post(io, [t = std::move(t)] { t->timer.cancel(); });
}
}  // namespace

bool scheduler::cancel(task_id id) {
  std::shared_ptr<task> t;
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(id);
    if (it == pending_.end()) return false;
    t = std::move(it->second);
    pending_.erase(it);
  }
  if (t->drop) t->drop();
  t->drop = nullptr;
  cancel_timer_on_pool(io_, std::move(t));
  return true;
}

void scheduler::retire_owner(owner_id owner) {
  std::vector<std::shared_ptr<task>> dropped;
  std::unique_lock lock(mutex_);
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second->owner == owner) {
      dropped.push_back(std::move(it->second));
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  idle_.wait(lock, [&] { return running_.find(owner) == running_.end(); });
  lock.unlock();
  for (auto& t : dropped) {
    if (t->drop) t->drop();
    t->drop = nullptr;
    cancel_timer_on_pool(io_, std::move(t));
  }
}

void scheduler::shutdown() {
  std::map<task_id, std::shared_ptr<task>> dropped;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    dropped.swap(pending_);
  }
  for (auto& [id, t] : dropped) {
    if (t->drop) t->drop();
    t->drop = nullptr;
    cancel_timer_on_pool(io_, t);
  }
  dropped.clear();
  // With the guard gone, run() returns once the cancelled timers have completed.
  work_.reset();
  for (std::thread& th : threads_) {
    if (th.joinable()) th.join();
  }
}

}  // namespace berth::kernel::executor
