#include "record_queue.hpp"

#include <algorithm>
#include <iterator>

namespace berth::trace_topic {

record_queue::record_queue(size_t capacity, size_t wake_at)
    : capacity_(std::max<size_t>(capacity, 1)), wake_at_(std::max<size_t>(wake_at, 1)) {}

bool record_queue::push(trace_record record) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (closed_ || events_ + record.events() > capacity_) return false;
    const bool below = events_ < wake_at_;
    events_ += record.events();
    records_.push_back(std::move(record));
    wake = below && events_ >= wake_at_;
  }
  if (wake) ready_.notify_one();
  return true;
}

std::vector<trace_record> record_queue::take(size_t max, std::chrono::nanoseconds wait) {
  std::unique_lock lock(mutex_);
  ready_.wait_for(lock, wait, [&] { return closed_ || events_ >= std::min(max, wake_at_); });
  std::vector<trace_record> out;
  size_t taken = 0;
  while (!records_.empty() && (out.empty() || taken + records_.front().events() <= max)) {
    taken += records_.front().events();
    out.push_back(std::move(records_.front()));
    records_.pop_front();
  }
  events_ -= taken;
  return out;
}

size_t record_queue::put_back(std::vector<trace_record> records) {
  std::lock_guard lock(mutex_);
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    events_ += it->events();
    records_.push_front(std::move(*it));
  }
  size_t dropped = 0;
  while (events_ > capacity_ && !records_.empty()) {  // the oldest go
    dropped += records_.front().events();
    events_ -= records_.front().events();
    records_.pop_front();
  }
  return dropped;
}

void record_queue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  ready_.notify_all();
}

size_t record_queue::size() const {
  std::lock_guard lock(mutex_);
  return events_;
}

bool record_queue::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

}  // namespace berth::trace_topic
