// How many queues each topic has, as last described by the kernel, for the queue a FIFO
// message's group hashes to: a message group's messages must share one queue to keep their
// order. Refreshed after `max_age`, so a topic that grew is seen within it.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace berth::transport_grpc {

class topic_queues {
 public:
  explicit topic_queues(std::chrono::milliseconds max_age) : max_age_(max_age) {}

  [[nodiscard]] std::optional<uint32_t> find(const std::string& topic) const;
  void remember(const std::string& topic, uint32_t queues);

 private:
  std::chrono::milliseconds max_age_;
  mutable std::mutex mutex_;
  struct entry {
    uint32_t queues;
    std::chrono::steady_clock::time_point at;
  };
  std::unordered_map<std::string, entry> topics_;
};

// The queue of a message group among `queues` (stable across processes and builds: FNV-1a).
uint32_t queue_of_group(std::string_view message_group, uint32_t queues);

}  // namespace berth::transport_grpc
