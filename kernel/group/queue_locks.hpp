// Which member of a group holds each queue for ordered consumption (LOCK_QUEUES). A holder
// keeps a queue while it renews the lock within the lease (RocketMQ: 60 s, renewed every
// 20 s); another member may take it when the holder unlocks it, its connection closes, or the
// lease runs out. So a queue moving between members in a rebalance is processed by the old
// owner until it lets go, and only then by the new one. Thread-safe.
#pragma once

#include "group/group_registry.hpp"
#include "protocol/connection.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace berth::kernel::group {

class queue_locks {
 public:
  explicit queue_locks(clock::duration lease = std::chrono::seconds(60)) : lease_(lease) {}

  // Of `wanted`, the queues `client` holds now: taken when free or expired, renewed when its
  // own. `connection` is the one the client asked on (its close releases them).
  std::vector<uint32_t> lock(std::string_view group, std::string_view topic,
                             std::string_view client, const protocol::connection_ptr& connection,
                             const std::vector<uint32_t>& wanted, clock::time_point now);
  // Let go of those of `queues` that `client` holds.
  void unlock(std::string_view group, std::string_view topic, std::string_view client,
              const std::vector<uint32_t>& queues);
  // Everything taken on `gone`.
  void disconnected(const protocol::connection_ptr& gone);

  // Who holds the queue now (empty: nobody), for GROUP_DESCRIBE-like views and tests.
  [[nodiscard]] std::string holder(std::string_view group, std::string_view topic, uint32_t queue,
                                   clock::time_point now) const;

 private:
  using key = std::tuple<std::string, std::string, uint32_t>;  // group, topic, queue
  struct lock_entry {
    std::string client;
    const protocol::connection* connection = nullptr;  // identity only, never dereferenced
    clock::time_point expires;
  };

  const clock::duration lease_;
  mutable std::mutex mutex_;
  std::map<key, lock_entry> locks_;
};

}  // namespace berth::kernel::group
