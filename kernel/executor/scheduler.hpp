// The kernel's executor for deferred work: plugins' post()/cancel() and the kernel's own
// timers. A fixed pool of threads over one Asio io_context; every task belongs to an owner (a
// plugin instance or a kernel module) so that an owner's pending tasks can be dropped, and its
// running ones waited for, before the owner is destroyed.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace berth::kernel::executor {

using owner_id = std::uint64_t;
using task_id = std::uint64_t;

// A fresh owner id, never handed out before in this process (never 0).
owner_id new_owner();

class scheduler {
 public:
  explicit scheduler(unsigned threads);
  ~scheduler();
  scheduler(const scheduler&) = delete;
  scheduler& operator=(const scheduler&) = delete;

  // Run `run` after `delay` on a pool thread; exactly one of run or drop is called. Returns 0
  // (and calls neither) once shutdown() began.
  task_id post(owner_id owner, std::chrono::nanoseconds delay, std::function<void()> run,
               std::function<void()> drop = {});
  // True when the task will not run (drop was called). Never waits.
  bool cancel(task_id id);
  // Drop every pending task of `owner` and wait until none of its tasks is running. Must not be
  // called from a task of that owner.
  void retire_owner(owner_id owner);
  // Drop everything pending, stop the threads. Idempotent.
  void shutdown();

  boost::asio::io_context& context() { return io_; }

  struct task;  // public so that file-local helpers can name it

 private:
  void fire(task_id id);

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;

  std::mutex mutex_;
  std::condition_variable idle_;
  std::map<task_id, std::shared_ptr<task>> pending_;
  std::map<owner_id, int> running_;
  task_id next_id_ = 1;
  bool closed_ = false;
};

}  // namespace berth::kernel::executor
