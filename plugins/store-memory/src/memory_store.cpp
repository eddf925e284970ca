#include "memory_store.hpp"

#include "batch_check.hpp"

#include <berth/plugin/message_id.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace berth::plugins::store_memory {
namespace {

// A queue an append touched, and the queue offset its next message gets.
struct touched_queue {
  std::string_view topic;
  uint32_t queue_id = 0;
  uint64_t next_offset = 0;
};

// The entry of `topic`/`queue_id` in `touched`, added with the table's next offset if new.
touched_queue& touch(std::vector<touched_queue>& touched, const message_table& table,
                     std::string_view topic, uint32_t queue_id) {
  for (touched_queue& queue : touched) {
    if (queue.queue_id == queue_id && queue.topic == topic) return queue;
  }
  return touched.emplace_back(
      touched_queue{topic, queue_id, table.next_queue_offset(topic, queue_id)});
}

// A lookup's result: the messages in the given order, pinned.
sdk::read_batch_ptr batch_of(const std::vector<message_ptr>& messages) {
  auto batch = std::make_unique<sdk::read_batch>();
  batch->status = messages.empty() ? BERTH_READ_NONE_MATCHED : BERTH_READ_FOUND;
  batch->messages.reserve(messages.size());
  batch->pins.reserve(messages.size());
  for (const message_ptr& message : messages) {
    batch->messages.push_back(message->view());
    batch->pins.push_back(message);
  }
  return batch;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
  const auto lower = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) {
           return lower(x) == lower(y);
         });
}

// At most `max` characters of text that came from outside, for an error message.
std::string excerpt(std::string_view text, size_t max = 64) {
  return text.size() <= max ? std::string(text) : std::string(text.substr(0, max)) + "...";
}

}  // namespace

memory_store::memory_store(const sdk::host& host)
    : host_(host),
      config_(read_config(host)),
      appended_messages_(host.counter("store_memory_appended_messages_total",
                                      "Messages appended to the in-memory store")),
      full_refusals_(host.counter("store_memory_full_refusals_total",
                                  "Appends refused because max_bytes was reached")),
      expired_messages_(host.counter("store_memory_dropped_messages_total",
                                     "Messages dropped by retention")),
      bytes_used_(host.gauge("store_memory_bytes_used",
                             "Bytes the held messages count against max_bytes")),
      retention_timer_(host, config_.retention_check_interval,
                       [this] { (void)run_retention(0, BERTH_RETENTION_EXPIRED); }) {
  retention_timer_.start();
  host_.info("in-memory store, max_bytes=", config_.max_bytes,
             ", max_message_size=", config_.max_message_size, ", retention=",
             std::chrono::duration_cast<std::chrono::seconds>(config_.retention).count(),
             "s: nothing survives a restart");
}

memory_store::~memory_store() { retention_timer_.stop(); }

void memory_store::sync() {
  // Appends are visible when append() returns and there is no stable storage to wait for.
}

void memory_store::append(std::span<const berth_message_view* const> messages,
                          std::span<berth_append_result> results, sdk::append_ack ack) {
  check_batch(messages, config_.max_message_size);
  uint64_t batch_bytes = 0;
  for (const berth_message_view* message : messages) batch_bytes += accounted_size(*message);
  const int64_t now_ms = clock_ms();

  std::vector<message_ptr> stored;
  stored.reserve(messages.size());
  std::vector<touched_queue> touched;
  std::unique_lock lock(mutex_);
  if (batch_bytes > config_.max_bytes - table_.bytes_used()) {
    const uint64_t used = table_.bytes_used();
    lock.unlock();
    full_refusals_.add();
    throw sdk::plugin_error(
        BERTH_E_FULL, "store-memory is full: " + std::to_string(used) + " of " +
                          std::to_string(config_.max_bytes) + " bytes used; the batch needs " +
                          std::to_string(batch_bytes) +
                          " more (retention frees old messages; or raise max_bytes)");
  }

  // Copy the whole batch before inserting any of it, so that a failed allocation leaves the
  // table as it was.
  const int64_t store_time_ms = std::max(now_ms, last_store_time_ms_);
  uint64_t log_offset = table_.log_max_offset();
  for (const berth_message_view* message : messages) {
    touched_queue& queue = touch(touched, table_, sdk::view(message->topic), message->queue_id);
    stored.push_back(std::make_shared<const stored_message>(
        *message, message_stamp{queue.next_offset++, log_offset, store_time_ms}));
    log_offset += stored.back()->size();
  }
  for (const message_ptr& message : stored) table_.insert(message);
  last_store_time_ms_ = store_time_ms;
  messages_appended_ += stored.size();
  bytes_appended_ += batch_bytes;
  bytes_used_.set(static_cast<int64_t>(table_.bytes_used()));

  for (size_t i = 0; i < stored.size(); ++i) {
    const berth_message_view& view = stored[i]->view();
    berth_append_result& result = results[i];
    result.queue_offset = view.queue_offset;
    result.log_offset = view.log_offset;
    result.store_time_ms = view.store_time_ms;
    const std::string_view id = stored[i]->message_id();
    const size_t n = std::min<size_t>(id.size(), BERTH_MESSAGE_ID_CAP - 1);
    std::memcpy(result.message_id, id.data(), n);
    result.message_id[n] = '\0';
  }

  std::unique_lock order(arrival_order_);
  lock.unlock();
  for (const touched_queue& queue : touched) {
    listener_.notify(queue.topic, queue.queue_id, queue.next_offset);
  }
  order.unlock();
  appended_messages_.add(static_cast<int64_t>(stored.size()));
  ack(BERTH_OK);
}

sdk::read_batch_ptr memory_store::read(const sdk::read_request& request) {
  std::shared_lock lock(mutex_);
  const message_queue* queue = table_.find_queue(request.topic, request.queue_id);
  if (queue == nullptr) {
    auto batch = std::make_unique<sdk::read_batch>();
    batch->status = BERTH_READ_NO_QUEUE;
    return batch;
  }
  return queue->read(request, default_max_scan);
}

std::optional<sdk::queue_range> memory_store::queue_bounds(std::string_view topic,
                                                           uint32_t queue_id) {
  std::shared_lock lock(mutex_);
  const message_queue* queue = table_.find_queue(topic, queue_id);
  if (queue == nullptr) return std::nullopt;
  return sdk::queue_range{queue->min_offset(), queue->max_offset()};
}

std::optional<uint64_t> memory_store::offset_by_time(std::string_view topic, uint32_t queue_id,
                                                     int64_t time_ms) {
  std::shared_lock lock(mutex_);
  const message_queue* queue = table_.find_queue(topic, queue_id);
  if (queue == nullptr) return std::nullopt;
  return queue->offset_by_time(time_ms);
}

sdk::read_batch_ptr memory_store::lookup_id(std::string_view message_id) {
  const std::optional<uint64_t> log_offset = sdk::message_id_offset(message_id);
  if (!log_offset) {
    throw sdk::plugin_error(BERTH_E_INVALID, "'" + excerpt(message_id) +
                                                 "' is not a message id of this store "
                                                 "(32 or 56 hexadecimal digits)");
  }
  message_ptr found;
  {
    std::shared_lock lock(mutex_);
    found = table_.find_by_log_offset(*log_offset);
  }
  // The offset alone could name a message stored under another host's id.
  if (!found || !equal_ignoring_case(found->message_id(), message_id)) return nullptr;
  return batch_of({found});
}

sdk::read_batch_ptr memory_store::lookup_key(std::string_view topic, std::string_view key,
                                             int64_t begin_ms, int64_t end_ms,
                                             uint32_t max_messages) {
  std::vector<message_ptr> found;
  {
    std::shared_lock lock(mutex_);
    found = table_.keys().find(topic, key, begin_ms, end_ms, max_messages);
  }
  return batch_of(found);
}

berth_retention_report memory_store::run_retention(int64_t now_ms, uint32_t flags) {
  if (now_ms < 0) {
    throw sdk::plugin_error(BERTH_E_INVALID,
                            "run_retention: now_ms " + std::to_string(now_ms) + " is negative");
  }
  if ((flags & ~uint32_t{BERTH_RETENTION_OLDEST}) != 0) {
    throw sdk::plugin_error(BERTH_E_INVALID,
                            "run_retention: unknown flags " + std::to_string(flags));
  }
  const int64_t now = now_ms == 0 ? clock_ms() : now_ms;
  const int64_t cutoff_ms = now - config_.retention.count();  // older than retention: before it

  berth_retention_report report{};
  report.struct_size = sizeof report;
  std::vector<message_ptr> dropped;  // freed after the lock is released
  {
    std::unique_lock lock(mutex_);
    while (const stored_message* oldest = table_.oldest()) {
      if (oldest->store_time_ms() >= cutoff_ms) break;
      dropped.push_back(table_.drop_oldest());
    }
    if ((flags & BERTH_RETENTION_OLDEST) != 0 && table_.oldest() != nullptr) {
      dropped.push_back(table_.drop_oldest());
    }
    report.log_min_offset = table_.log_min_offset();
    bytes_used_.set(static_cast<int64_t>(table_.bytes_used()));
  }
  for (const message_ptr& message : dropped) report.bytes_freed += message->size();
  report.units_deleted = static_cast<uint32_t>(std::min<size_t>(dropped.size(), UINT32_MAX));
  if (!dropped.empty()) {
    expired_messages_.add(static_cast<int64_t>(dropped.size()));
    host_.debug("retention dropped ", dropped.size(), " messages (", report.bytes_freed,
                " bytes); the log now starts at ", report.log_min_offset);
  }
  return report;
}

berth_store_stats memory_store::stats() {
  berth_store_stats out{};
  out.struct_size = sizeof out;
  std::shared_lock lock(mutex_);
  out.queue_count = static_cast<uint32_t>(std::min<uint64_t>(table_.queue_count(), UINT32_MAX));
  out.log_min_offset = table_.log_min_offset();
  out.log_max_offset = table_.log_max_offset();
  // Nothing is persisted and everything appended is visible: both are the log's end.
  out.durable_offset = table_.log_max_offset();
  out.visible_offset = table_.log_max_offset();
  out.messages_appended = messages_appended_;
  out.bytes_appended = bytes_appended_;
  out.bytes_used = table_.bytes_used();
  out.bytes_free = config_.max_bytes - table_.bytes_used();
  out.unit_count = table_.message_count();
  return out;
}

void memory_store::set_arrival_listener(berth_store_arrival_fn fn, void* arg) {
  listener_.set(fn, arg);
}

int64_t memory_store::clock_ms() const noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(host_.now_realtime()).count();
}

}  // namespace berth::plugins::store_memory
