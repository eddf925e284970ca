// Everything the store holds: the log (every message in append order), the queues and the key
// index, with the byte accounting and the log offsets. A message's log offset is the number of
// accounted bytes appended before it, so offsets are unique and increasing and a message id
// can name its message. Not thread-safe: memory_store locks around it.
#pragma once

#include "key_index.hpp"
#include "message_queue.hpp"
#include "stored_message.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>

namespace berth::plugins::store_memory {

class message_table {
 public:
  // The queue offset the next message of (topic, queue_id) gets.
  [[nodiscard]] uint64_t next_queue_offset(std::string_view topic, uint32_t queue_id) const;
  // Make `message` visible: in the log, its queue and the key index. Its log offset must be
  // log_max_offset() and its queue offset next_queue_offset() of its queue.
  void insert(const message_ptr& message);
  // Remove the oldest message from everything; nullptr when the table is empty.
  message_ptr drop_oldest();

  [[nodiscard]] const stored_message* oldest() const noexcept;
  // nullptr: the queue has never had a message.
  [[nodiscard]] const message_queue* find_queue(std::string_view topic, uint32_t queue_id) const;
  // The held message at exactly this log offset, or nullptr.
  [[nodiscard]] message_ptr find_by_log_offset(uint64_t log_offset) const;
  [[nodiscard]] const key_index& keys() const noexcept { return keys_; }

  [[nodiscard]] uint64_t bytes_used() const noexcept { return bytes_used_; }
  [[nodiscard]] uint64_t message_count() const noexcept { return log_.size(); }
  [[nodiscard]] uint64_t queue_count() const noexcept { return queue_count_; }
  // The oldest held message's log offset; log_max_offset() when none is held.
  [[nodiscard]] uint64_t log_min_offset() const noexcept;
  // Where the next message goes.
  [[nodiscard]] uint64_t log_max_offset() const noexcept { return log_end_; }

 private:
  std::deque<message_ptr> log_;
  std::map<std::string, std::map<uint32_t, message_queue>, std::less<>> topics_;
  key_index keys_;
  uint64_t bytes_used_ = 0;
  uint64_t log_end_ = 0;
  uint64_t queue_count_ = 0;
};

}  // namespace berth::plugins::store_memory
