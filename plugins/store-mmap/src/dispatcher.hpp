// The dispatcher turns commit-log records into consume-queue entries and key-index entries,
// on its own thread, up to the visible limit (everything written under async flush; only
// what is durable under sync flush, so readers never see what a crash could take back).
// After each round it tells the arrival listener which queues grew. Recovery calls
// dispatch() directly, before the thread starts.
#pragma once

#include "commit_log.hpp"
#include "key_index.hpp"
#include "queue_table.hpp"
#include "record.hpp"

#include <berth/plugin/store.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace berth::store_mmap {

class dispatcher {
 public:
  struct parts {
    commit_log& log;
    queue_table& queues;
    key_index& index;
    sdk::arrival_listener& listener;
    std::function<uint64_t()> visible_limit;
    std::function<void(const std::string&)> report_error;  // logged by the store
    std::function<void(const std::string&)> report_info;   // logged by the store
  };

  // Why dispatching is stuck (a queue or index file could not be made or grown: a full or
  // read-only disk, an I/O error), with the status to refuse appends with.
  struct stall {
    berth_status status = BERTH_E_IO;
    std::string reason;
  };

  explicit dispatcher(parts p);
  ~dispatcher();
  dispatcher(const dispatcher&) = delete;
  dispatcher& operator=(const dispatcher&) = delete;

  // Build the entries of one record (idempotent: entries already there are skipped).
  void dispatch(const decoded_record& record);

  void start(uint64_t from);
  // Dispatch what is visible, then join.
  void stop();
  // New records may be visible.
  void wake();
  [[nodiscard]] uint64_t dispatched() const noexcept {
    return dispatched_.load(std::memory_order_acquire);
  }
  // Block until everything below `end` is dispatched or the dispatcher stopped (nullopt), or
  // until it stalls before `end` (the stall: it may last long).
  std::optional<stall> wait_dispatched(uint64_t end);
  // Set while the last round failed; cleared by the next round that succeeds. Records written
  // meanwhile would be acknowledged yet invisible to readers: the store refuses appends.
  [[nodiscard]] std::optional<stall> stalled() const;

 private:
  void run();
  // One round from dispatched() to the visible limit. Returns false when there was nothing.
  bool dispatch_round();

  parts parts_;
  // Record a failed round; true when its reason differs from the last one (worth a log line).
  bool set_stall(berth_status status, const std::string& reason);
  void clear_stall();

  std::atomic<uint64_t> dispatched_{0};
  std::atomic<bool> stalled_{false};
  mutable std::mutex stall_mutex_;
  std::optional<stall> stall_;  // under stall_mutex_
  std::mutex mutex_;
  std::condition_variable wake_cv_;
  std::condition_variable done_cv_;
  bool woken_ = false;
  bool stopping_ = false;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace berth::store_mmap
