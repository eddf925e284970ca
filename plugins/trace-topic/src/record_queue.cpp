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
    if (closed_ || records_.size() >= capacity_) return false;
    records_.push_back(std::move(record));
    wake = records_.size() == wake_at_;
  }
  if (wake) ready_.notify_one();
  return true;
}

std::vector<trace_record> record_queue::take(size_t max, std::chrono::nanoseconds wait) {
  std::unique_lock lock(mutex_);
  ready_.wait_for(lock, wait, [&] { return closed_ || records_.size() >= std::min(max, wake_at_); });
  const size_t n = std::min(max, records_.size());
  std::vector<trace_record> out(std::make_move_iterator(records_.begin()),
                                std::make_move_iterator(records_.begin() + static_cast<ptrdiff_t>(n)));
  records_.erase(records_.begin(), records_.begin() + static_cast<ptrdiff_t>(n));
  return out;
}

size_t record_queue::put_back(std::vector<trace_record> records) {
  std::lock_guard lock(mutex_);
  records_.insert(records_.begin(), std::make_move_iterator(records.begin()),
                  std::make_move_iterator(records.end()));
  const size_t over = records_.size() > capacity_ ? records_.size() - capacity_ : 0;
  records_.erase(records_.begin(), records_.begin() + static_cast<ptrdiff_t>(over));
  return over;
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
  return records_.size();
}

bool record_queue::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

}  // namespace berth::trace_topic
