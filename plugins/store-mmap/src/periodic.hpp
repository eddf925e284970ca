// A thread that runs one task every interval until stopped; stop() wakes it at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace berth::store_mmap {

class periodic {
 public:
  periodic(std::chrono::nanoseconds interval, std::function<void()> task)
      : interval_(interval), task_(std::move(task)) {}
  ~periodic() { stop(); }
  periodic(const periodic&) = delete;
  periodic& operator=(const periodic&) = delete;

  void start() {
    thread_ = std::thread([this] {
      std::unique_lock lock(mutex_);
      while (!stopping_) {
        if (cv_.wait_for(lock, interval_, [&] { return stopping_; })) break;
        lock.unlock();
        task_();
        lock.lock();
      }
    });
  }
  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  const std::chrono::nanoseconds interval_;
  std::function<void()> task_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace berth::store_mmap
