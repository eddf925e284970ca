#include "message_table.hpp"

#include <algorithm>
#include <utility>

namespace berth::plugins::store_memory {

uint64_t message_table::next_queue_offset(std::string_view topic, uint32_t queue_id) const {
  const message_queue* queue = find_queue(topic, queue_id);
  return queue == nullptr ? 0 : queue->max_offset();
}

void message_table::insert(const message_ptr& message) {
  auto topic = topics_.find(message->topic());
  if (topic == topics_.end()) {
    topic = topics_.emplace(message->topic(), std::map<uint32_t, message_queue>{}).first;
  }
  const auto [queue, added] = topic->second.try_emplace(message->queue_id());
  if (added) ++queue_count_;
  queue->second.push_back(message);
  keys_.add(message);
  log_.push_back(message);
  bytes_used_ += message->size();
  log_end_ = message->log_offset() + message->size();
}

message_ptr message_table::drop_oldest() {
  if (log_.empty()) return nullptr;
  message_ptr message = std::move(log_.front());
  log_.pop_front();
  const auto topic = topics_.find(message->topic());
  if (topic != topics_.end()) {
    const auto queue = topic->second.find(message->queue_id());
    if (queue != topic->second.end()) queue->second.pop_front();
  }
  keys_.remove_oldest(*message);
  bytes_used_ -= message->size();
  return message;
}

const stored_message* message_table::oldest() const noexcept {
  return log_.empty() ? nullptr : log_.front().get();
}

const message_queue* message_table::find_queue(std::string_view topic, uint32_t queue_id) const {
  const auto in_topic = topics_.find(topic);
  if (in_topic == topics_.end()) return nullptr;
  const auto queue = in_topic->second.find(queue_id);
  return queue == in_topic->second.end() ? nullptr : &queue->second;
}

message_ptr message_table::find_by_log_offset(uint64_t log_offset) const {
  const auto it = std::partition_point(
      log_.begin(), log_.end(),
      [log_offset](const message_ptr& m) { return m->log_offset() < log_offset; });
  return it != log_.end() && (*it)->log_offset() == log_offset ? *it : nullptr;
}

uint64_t message_table::log_min_offset() const noexcept {
  return log_.empty() ? log_end_ : log_.front()->log_offset();
}

}  // namespace berth::plugins::store_memory
