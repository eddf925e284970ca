#include "message_queue.hpp"

#include <algorithm>
#include <utility>

namespace berth::plugins::store_memory {

void message_queue::push_back(message_ptr message) { entries_.push_back(std::move(message)); }

void message_queue::pop_front() noexcept {
  if (entries_.empty()) return;
  entries_.pop_front();
  ++min_offset_;
}

sdk::read_batch_ptr message_queue::read(const sdk::read_request& request,
                                        uint64_t default_max_scan) const {
  auto batch = std::make_unique<sdk::read_batch>();
  batch->min_offset = min_offset();
  batch->max_offset = max_offset();
  if (request.offset < batch->min_offset) {
    batch->status = BERTH_READ_BEFORE_START;
    batch->next_offset = batch->min_offset;
    return batch;
  }
  if (request.offset >= batch->max_offset) {
    batch->status = request.offset == batch->max_offset ? BERTH_READ_END : BERTH_READ_PAST_END;
    batch->next_offset = batch->max_offset;
    return batch;
  }

  const uint64_t max_scan = request.max_scan == 0 ? default_max_scan : request.max_scan;
  const size_t max_messages = std::max<uint32_t>(request.max_messages, 1);
  const uint64_t scan_end = request.offset + std::min(max_scan, batch->max_offset - request.offset);
  uint64_t bytes = 0;
  uint64_t offset = request.offset;
  for (; offset < scan_end && batch->messages.size() < max_messages; ++offset) {
    const message_ptr& message = entries_[offset - min_offset_];
    if (!request.accepts(message->view().tag_hash)) continue;
    // The first message always fits; a later one only within max_bytes (0: no cap).
    if (request.max_bytes != 0 && !batch->messages.empty() &&
        bytes + message->size() > request.max_bytes) {
      break;
    }
    bytes += message->size();
    batch->messages.push_back(message->view());
    batch->pins.push_back(message);
  }
  batch->next_offset = offset;
  batch->status = batch->messages.empty() ? BERTH_READ_NONE_MATCHED : BERTH_READ_FOUND;
  return batch;
}

uint64_t message_queue::offset_by_time(int64_t time_ms) const {
  // Store times are non-decreasing in queue order.
  const auto first = std::partition_point(
      entries_.begin(), entries_.end(),
      [time_ms](const message_ptr& message) { return message->store_time_ms() < time_ms; });
  return min_offset_ + static_cast<uint64_t>(first - entries_.begin());
}

}  // namespace berth::plugins::store_memory
