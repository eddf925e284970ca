#include "key_index.hpp"

#include <algorithm>

namespace berth::plugins::store_memory {

void key_index::add(const message_ptr& message) {
  if (message->index_keys().empty()) return;
  auto topic = topics_.find(message->topic());
  if (topic == topics_.end()) topic = topics_.emplace(message->topic(), by_key{}).first;
  for (const std::string_view key : message->index_keys()) {
    auto list = topic->second.find(key);
    if (list == topic->second.end()) {
      list = topic->second.emplace(key, std::deque<message_ptr>{}).first;
    }
    list->second.push_back(message);
  }
}

void key_index::remove_oldest(const stored_message& message) {
  if (message.index_keys().empty()) return;
  const auto topic = topics_.find(message.topic());
  if (topic == topics_.end()) return;
  for (const std::string_view key : message.index_keys()) {
    const auto list = topic->second.find(key);
    if (list == topic->second.end()) continue;
    if (!list->second.empty() && list->second.front().get() == &message) list->second.pop_front();
    if (list->second.empty()) topic->second.erase(list);
  }
  if (topic->second.empty()) topics_.erase(topic);
}

std::vector<message_ptr> key_index::find(std::string_view topic, std::string_view key,
                                         int64_t begin_ms, int64_t end_ms, size_t max) const {
  std::vector<message_ptr> found;
  const auto in_topic = topics_.find(topic);
  if (in_topic == topics_.end()) return found;
  const auto list = in_topic->second.find(key);
  if (list == in_topic->second.end()) return found;
  const std::deque<message_ptr>& messages = list->second;
  // The first message stored after end_ms; walk back from it while still at or after begin_ms.
  auto it = std::partition_point(messages.begin(), messages.end(), [end_ms](const message_ptr& m) {
    return m->store_time_ms() <= end_ms;
  });
  while (it != messages.begin() && found.size() < max) {
    --it;
    if ((*it)->store_time_ms() < begin_ms) break;
    found.push_back(*it);
  }
  return found;
}

}  // namespace berth::plugins::store_memory
