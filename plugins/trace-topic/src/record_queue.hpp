// The records waiting for the writer thread: bounded in events (a record of a 16-message
// SEND_BATCH counts 16), so that a broker whose trace topic cannot keep up drops records
// (counted by the caller) instead of slowing its producers. push never waits for the writer:
// it holds a mutex for a move, and wakes the writer only when enough is waiting.
#pragma once

#include "trace_record.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

namespace berth::trace_topic {

class record_queue {
 public:
  // At most `capacity` events; take() is woken once `wake_at` are waiting.
  record_queue(size_t capacity, size_t wake_at);

  // False when the record's events do not fit, or the queue is closed (the record is dropped).
  bool push(trace_record record);
  // Records of up to `max` events (at least one record), oldest first: once min(max, wake_at)
  // events are waiting, after `wait`, or at once when closed. Empty only when nothing came.
  std::vector<trace_record> take(size_t max, std::chrono::nanoseconds wait);
  // Records pushed back in front (a batch the store refused, to be written again). Beyond the
  // capacity the oldest are dropped: returns how many events.
  size_t put_back(std::vector<trace_record> records);
  // take() returns at once from now on; push() refuses.
  void close();

  // Events waiting.
  [[nodiscard]] size_t size() const;
  [[nodiscard]] bool closed() const;

 private:
  const size_t capacity_;
  const size_t wake_at_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<trace_record> records_;
  size_t events_ = 0;  // of records_
  bool closed_ = false;
};

}  // namespace berth::trace_topic
