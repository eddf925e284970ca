#include "topic/topic_view.hpp"

namespace berth::kernel::topic {

uint64_t topic_view::messages() const {
  uint64_t total = 0;
  for (const queue_range& q : queues) total += q.max_offset - q.min_offset;
  return total;
}

uint64_t topic_view::max_offsets() const {
  uint64_t total = 0;
  for (const queue_range& q : queues) total += q.max_offset;
  return total;
}

result<std::optional<topic_view>> view_topic(const topic_table& topics, store::store* store,
                                             std::string_view name) {
  const auto settings = topics.find(name);
  if (!settings) return std::optional<topic_view>();
  topic_view out;
  out.settings = *settings;
  out.queues.reserve(settings->queues);
  for (uint32_t q = 0; q < settings->queues; ++q) {
    queue_range range{q, 0, 0};
    if (store != nullptr) {
      BERTH_TRY(bounds, store->bounds_or_empty(name, q));
      range.min_offset = bounds.min_offset;
      range.max_offset = bounds.max_offset;
    }
    out.queues.push_back(range);
  }
  return std::optional<topic_view>(std::move(out));
}

}  // namespace berth::kernel::topic
