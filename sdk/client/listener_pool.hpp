// The push consumer's listener threads: a fixed number of threads over one task queue. The
// queue itself is bounded by the consumer's flow control (at most so many messages per queue
// are pulled ahead), not here.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace berth::client::internal {

class listener_pool {
 public:
  explicit listener_pool(unsigned threads);
  ~listener_pool();  // stop()
  listener_pool(const listener_pool&) = delete;
  listener_pool& operator=(const listener_pool&) = delete;

  // Queued for the next free thread; dropped after stop().
  void submit(std::function<void()> task);
  // Drop the tasks not started, wait for the running ones, join the threads. Idempotent.
  void stop();

 private:
  void work();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
};

}  // namespace berth::client::internal
