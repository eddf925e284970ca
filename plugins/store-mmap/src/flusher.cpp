#include "flusher.hpp"

#include <berth/plugin/error.hpp>

namespace berth::store_mmap {

flusher::flusher(commit_log& log, const store_config& config,
                 std::function<void(uint64_t)> on_durable,
                 std::function<void(const std::string&)> on_fence)
    : log_(log),
      mode_(config.flush),
      interval_(config.flush_interval),
      max_unflushed_(config.max_unflushed),
      on_durable_(std::move(on_durable)),
      on_fence_(std::move(on_fence)) {}

flusher::~flusher() { stop(); }

void flusher::start() { thread_ = std::thread([this] { run(); }); }

void flusher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void flusher::ack_when_durable(uint64_t end, sdk::append_ack ack) {
  {
    std::unique_lock lock(mutex_);
    if (!fenced()) {
      pending_.push_back({end, ack});
      lock.unlock();
      work_cv_.notify_one();
      return;
    }
  }
  ack(BERTH_E_IO, "store fenced: " + fence_reason_);
}

void flusher::wait_for_room() {
  std::unique_lock lock(mutex_);
  while (!fenced() && !stopping_ &&
         log_.write_offset() - log_.durable_offset() > max_unflushed_) {
    requested_ = std::max(requested_, log_.write_offset());
    work_cv_.notify_one();
    durable_cv_.wait(lock);
  }
}

void flusher::flush_to(uint64_t end) {
  std::unique_lock lock(mutex_);
  while (!fenced() && log_.durable_offset() < end) {
    requested_ = std::max(requested_, end);
    work_cv_.notify_one();
    if (stopping_ && !thread_.joinable()) break;
    durable_cv_.wait(lock);
  }
  const bool reached = log_.durable_offset() >= end;
  lock.unlock();
  check_not_fenced();
  if (!reached) throw sdk::plugin_error(BERTH_E_CLOSED, "store is closing");
}

void flusher::check_not_fenced() const {
  if (!fenced()) return;
  std::lock_guard lock(mutex_);
  throw sdk::plugin_error(BERTH_E_IO, "store fenced: " + fence_reason_);
}

bool flusher::has_work_locked() const {
  if (stopping_) return true;
  return !fenced() && (!pending_.empty() || requested_ > log_.durable_offset());
}

void flusher::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    if (mode_ == flush_mode::sync) {
      work_cv_.wait(lock, [&] { return has_work_locked(); });
    } else {
      work_cv_.wait_for(lock, interval_, [&] { return has_work_locked(); });
    }
    const bool last = stopping_;
    lock.unlock();
    if (!fenced()) sync_once();
    lock.lock();
    if (last) break;
  }
  // Whatever is still pending cannot be acknowledged any more.
  std::vector<pending_ack> left;
  left.swap(pending_);
  const std::string reason = fenced() ? "store fenced: " + fence_reason_ : "store stopped";
  lock.unlock();
  for (pending_ack& p : left) p.ack(fenced() ? BERTH_E_IO : BERTH_E_CLOSED, reason);
  durable_cv_.notify_all();
}

void flusher::sync_once() {
  const uint64_t target = log_.write_offset();
  uint64_t durable = log_.durable_offset();
  if (target > durable) {
    try {
      const auto began = std::chrono::steady_clock::now();
      durable = log_.flush(target);
      syncs_.fetch_add(1, std::memory_order_relaxed);
      if (sync_observer_) {
        sync_observer_(std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
      }
    } catch (const std::exception& e) {
      fence(e.what());
      return;
    }
  }
  std::vector<pending_ack> done;
  {
    std::lock_guard lock(mutex_);
    auto keep = pending_.begin();
    for (pending_ack& p : pending_) {
      if (p.end <= durable) {
        done.push_back(p);
      } else {
        *keep++ = p;
      }
    }
    pending_.erase(keep, pending_.end());
  }
  durable_cv_.notify_all();
  if (on_durable_) on_durable_(durable);
  for (pending_ack& p : done) p.ack(BERTH_OK);
}

void flusher::fence(const std::string& reason) {
  std::vector<pending_ack> failed;
  {
    std::lock_guard lock(mutex_);
    if (fenced()) return;
    fence_reason_ = reason;
    fenced_.store(true, std::memory_order_release);
    failed.swap(pending_);
  }
  durable_cv_.notify_all();
  if (on_fence_) on_fence_(reason);
  for (pending_ack& p : failed) p.ack(BERTH_E_IO, "store fenced: " + reason);
}

}  // namespace berth::store_mmap
