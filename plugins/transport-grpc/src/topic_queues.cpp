#include "topic_queues.hpp"

namespace berth::transport_grpc {

std::optional<uint32_t> topic_queues::find(const std::string& topic) const {
  std::lock_guard lock(mutex_);
  const auto it = topics_.find(topic);
  if (it == topics_.end() || std::chrono::steady_clock::now() - it->second.at > max_age_) {
    return std::nullopt;
  }
  return it->second.queues;
}

void topic_queues::remember(const std::string& topic, uint32_t queues) {
  std::lock_guard lock(mutex_);
  topics_[topic] = entry{queues, std::chrono::steady_clock::now()};
}

uint32_t queue_of_group(std::string_view message_group, uint32_t queues) {
  uint64_t hash = 14695981039346656037ULL;
  for (const char c : message_group) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 1099511628211ULL;
  }
  return queues == 0 ? 0 : static_cast<uint32_t>(hash % queues);
}

}  // namespace berth::transport_grpc
