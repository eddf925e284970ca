// The flusher owns durability of the commit log, on its own thread.
//   sync mode: appends register (end offset, ack); one fdatasync acknowledges every append
//     queued behind it (group commit).
//   async mode: appends are acknowledged when written; the thread syncs every interval, and
//     appends wait while more than max_unflushed bytes are written but not synced, which
//     bounds what an OS crash can lose.
// A failed sync fences the store for good: pending and future appends get BERTH_E_IO with
// the cause. Never retried: after a failed fdatasync the kernel may have dropped the pages.
#pragma once

#include "commit_log.hpp"
#include "store_config.hpp"

#include <berth/plugin/store.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace berth::store_mmap {

class flusher {
 public:
  // on_durable(offset) runs on the flusher thread after each successful sync; on_fence(reason)
  // once, when a sync fails.
  flusher(commit_log& log, const store_config& config, std::function<void(uint64_t)> on_durable,
          std::function<void(const std::string&)> on_fence);
  ~flusher();
  flusher(const flusher&) = delete;
  flusher& operator=(const flusher&) = delete;

  // Told how long each fdatasync took (seconds), on the flusher thread. Before start().
  void observe_syncs(std::function<void(double seconds)> observer) {
    sync_observer_ = std::move(observer);
  }

  void start();
  // Sync what is written (unless fenced), complete every pending ack, join.
  void stop();

  // Sync mode: complete `ack` once everything below `end` is durable.
  void ack_when_durable(uint64_t end, sdk::append_ack ack);
  // Async mode: wait while the unsynced backlog is over max_unflushed.
  void wait_for_room();
  // Make everything below `end` durable now; throws BERTH_E_IO when fenced.
  void flush_to(uint64_t end);
  // Throws plugin_error(BERTH_E_IO, reason) once fenced.
  void check_not_fenced() const;
  [[nodiscard]] bool fenced() const noexcept { return fenced_.load(std::memory_order_acquire); }

  // Counters for stats and metrics.
  [[nodiscard]] uint64_t syncs() const noexcept { return syncs_.load(std::memory_order_relaxed); }

 private:
  struct pending_ack {
    uint64_t end;
    sdk::append_ack ack;
  };

  void run();
  bool has_work_locked() const;
  void sync_once();
  void fence(const std::string& reason);

  commit_log& log_;
  const flush_mode mode_;
  const std::chrono::nanoseconds interval_;
  const uint64_t max_unflushed_;
  std::function<void(uint64_t)> on_durable_;
  std::function<void(const std::string&)> on_fence_;

  mutable std::mutex mutex_;
  std::condition_variable work_cv_;     // wakes the thread
  std::condition_variable durable_cv_;  // wakes flush_to() and wait_for_room()
  std::vector<pending_ack> pending_;
  uint64_t requested_ = 0;  // the highest end someone waits for in flush_to()/wait_for_room()
  bool stopping_ = false;
  std::string fence_reason_;
  std::atomic<bool> fenced_{false};
  std::function<void(double)> sync_observer_;
  std::atomic<uint64_t> syncs_{0};
  std::thread thread_;
};

}  // namespace berth::store_mmap
