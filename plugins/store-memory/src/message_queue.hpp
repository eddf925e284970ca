// One queue (topic, queue id): the messages it holds, in queue order, numbered from
// min_offset(). Retention removes from the front, so min_offset() only rises; a queue whose
// messages are all gone stays known, with min_offset() == max_offset().
// Not thread-safe: memory_store locks around it.
#pragma once

#include "stored_message.hpp"

#include <berth/plugin/store.hpp>

#include <cstdint>
#include <deque>

namespace berth::plugins::store_memory {

class message_queue {
 public:
  [[nodiscard]] uint64_t min_offset() const noexcept { return min_offset_; }
  [[nodiscard]] uint64_t max_offset() const noexcept { return min_offset_ + entries_.size(); }

  // Add the next message; its queue offset is max_offset().
  void push_back(message_ptr message);
  // Remove the oldest message (retention removes in log order, which is queue order).
  void pop_front() noexcept;

  // read() of the store contract over this queue: status, bounds, next_offset and the views,
  // each pinned by the batch. `default_max_scan` applies when the request's max_scan is 0.
  [[nodiscard]] sdk::read_batch_ptr read(const sdk::read_request& request,
                                         uint64_t default_max_scan) const;
  // The first offset whose store time is >= time_ms; max_offset() when every message is older.
  [[nodiscard]] uint64_t offset_by_time(int64_t time_ms) const;

 private:
  std::deque<message_ptr> entries_;  // entries_[i] has queue offset min_offset_ + i
  uint64_t min_offset_ = 0;
};

}  // namespace berth::plugins::store_memory
