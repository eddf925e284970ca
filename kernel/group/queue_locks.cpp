#include "group/queue_locks.hpp"

namespace berth::kernel::group {

std::vector<uint32_t> queue_locks::lock(std::string_view group, std::string_view topic,
                                        std::string_view client,
                                        const protocol::connection_ptr& connection,
                                        const std::vector<uint32_t>& wanted,
                                        clock::time_point now) {
  std::lock_guard lock(mutex_);
  std::vector<uint32_t> held;
  for (const uint32_t queue : wanted) {
    auto [it, added] = locks_.try_emplace(key{group, topic, queue});
    lock_entry& e = it->second;
    if (!added && e.client != client && e.expires > now) continue;  // another member's
    e.client = std::string(client);
    e.connection = connection.get();
    e.expires = now + lease_;
    held.push_back(queue);
  }
  return held;
}

void queue_locks::unlock(std::string_view group, std::string_view topic, std::string_view client,
                         const std::vector<uint32_t>& queues) {
  std::lock_guard lock(mutex_);
  for (const uint32_t queue : queues) {
    const auto it = locks_.find(key{group, topic, queue});
    if (it != locks_.end() && it->second.client == client) locks_.erase(it);
  }
}

void queue_locks::disconnected(const protocol::connection_ptr& gone) {
  std::lock_guard lock(mutex_);
  std::erase_if(locks_, [&](const auto& entry) { return entry.second.connection == gone.get(); });
}

std::string queue_locks::holder(std::string_view group, std::string_view topic, uint32_t queue,
                                clock::time_point now) const {
  std::lock_guard lock(mutex_);
  const auto it = locks_.find(key{group, topic, queue});
  return it == locks_.end() || it->second.expires <= now ? std::string() : it->second.client;
}

}  // namespace berth::kernel::group
