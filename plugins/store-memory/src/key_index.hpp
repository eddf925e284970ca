// Messages by (topic, key), for lookup_key(). A message is listed under each of its
// index_keys(). Each list is in log order, hence in store-time order, and retention removes
// from its front. Not thread-safe: memory_store locks around it.
#pragma once

#include "stored_message.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace berth::plugins::store_memory {

class key_index {
 public:
  // List `message` under each of its keys; messages come in log order.
  void add(const message_ptr& message);
  // Unlist `message`, the oldest message of the log (so the oldest of each of its lists).
  void remove_oldest(const stored_message& message);

  // Messages of `topic` listed under `key` whose store time is in [begin_ms, end_ms], newest
  // first, at most `max`.
  [[nodiscard]] std::vector<message_ptr> find(std::string_view topic, std::string_view key,
                                              int64_t begin_ms, int64_t end_ms,
                                              size_t max) const;

 private:
  using by_key = std::map<std::string, std::deque<message_ptr>, std::less<>>;
  std::map<std::string, by_key, std::less<>> topics_;
};

}  // namespace berth::plugins::store_memory
