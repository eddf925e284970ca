// A topic with its queues' offsets: what TOPIC_DESCRIBE answers and the admin API shows.
#pragma once

#include "common/result.hpp"
#include "store/store.hpp"
#include "topic/topic_table.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace berth::kernel::topic {

struct queue_range {
  uint32_t queue_id = 0;
  uint64_t min_offset = 0;  // the oldest message kept
  uint64_t max_offset = 0;  // where the next message goes
};

struct topic_view {
  topic_settings settings;
  std::vector<queue_range> queues;

  // Messages kept, over every queue.
  [[nodiscard]] uint64_t messages() const;
  // Messages ever stored, over every queue (grows by one per message).
  [[nodiscard]] uint64_t max_offsets() const;
};

// Nullopt: no such topic. An error: the store could not say a queue's bounds. `store` may be
// null: every queue is then 0/0.
[[nodiscard]] result<std::optional<topic_view>> view_topic(const topic_table& topics,
                                                           store::store* store,
                                                           std::string_view name);

}  // namespace berth::kernel::topic
