#include "appender.hpp"

#include "record.hpp"

#include <berth/plugin/error.hpp>
#include <berth/plugin/message_id.hpp>

#include <algorithm>
#include <cstring>

namespace berth::store_mmap {

namespace {

std::string field_error(size_t index, const std::string& what) {
  return "message " + std::to_string(index) + " of the batch: " + what;
}

}  // namespace

appender::appender(commit_log& log, const store_config& config)
    : log_(log), max_message_size_(config.max_message_size) {}

void appender::restore_next_offsets(const queue_table& queues) {
  std::lock_guard lock(mutex_);
  queues.for_each([&](consume_queue& q) {
    next_offsets_[q.topic()][q.queue_id()] = q.max_offset();
  });
}

void appender::validate(std::span<const berth_message_view* const> messages) const {
  const uint64_t max_record = log_.segment_size() - blank_size;
  for (size_t i = 0; i < messages.size(); ++i) {
    const berth_message_view* m = messages[i];
    if (m == nullptr) throw sdk::plugin_error(BERTH_E_INVALID, field_error(i, "missing"));
    const std::string_view topic = sdk::view(m->topic);
    if (!valid_topic(topic)) {
      throw sdk::plugin_error(
          BERTH_E_INVALID,
          field_error(i, "topic '" + std::string(topic.substr(0, 300)) +
                             "' must be 1 to 255 characters of A-Z a-z 0-9 % _ | -"));
    }
    if (m->body.len > max_message_size_) {
      throw sdk::plugin_error(BERTH_E_INVALID,
                              field_error(i, "body of " + std::to_string(m->body.len) +
                                                 " bytes exceeds max_message_size (" +
                                                 std::to_string(max_message_size_) + ")"));
    }
    if (const std::string too_long = encoding_error(*m); !too_long.empty()) {
      throw sdk::plugin_error(BERTH_E_INVALID, field_error(i, too_long));
    }
    const size_t size = encoded_size(*m);
    if (size > max_record) {
      throw sdk::plugin_error(BERTH_E_INVALID,
                              field_error(i, "record of " + std::to_string(size) +
                                                 " bytes does not fit a segment of " +
                                                 std::to_string(log_.segment_size())));
    }
  }
}

appender::written appender::write(std::span<const berth_message_view* const> messages,
                                  std::span<berth_append_result> results, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  uint64_t record_bytes = 0;
  const int64_t store_time = std::max(now_ms, last_store_time_ms_);
  last_store_time_ms_ = store_time;
  // A batch goes to one queue as a rule: its counter is looked up again only when it changes.
  uint64_t* next_of_queue = nullptr;
  const berth_message_view* previous = nullptr;
  for (size_t i = 0; i < messages.size(); ++i) {
    const berth_message_view& m = *messages[i];
    if (previous == nullptr || m.queue_id != previous->queue_id ||
        sdk::view(m.topic) != sdk::view(previous->topic)) {
      auto topic = next_offsets_.find(sdk::view(m.topic));
      if (topic == next_offsets_.end()) {
        topic = next_offsets_.emplace(std::string(sdk::view(m.topic)), std::map<uint32_t, uint64_t>{}).first;
      }
      next_of_queue = &topic->second[m.queue_id];
    }
    previous = &m;
    uint64_t& next = *next_of_queue;
    record_stamp stamp{next, 0, store_time};
    const uint64_t size = encoded_size(m);
    const uint64_t offset = log_.append(size, [&](std::span<uint8_t> out, uint64_t at) {
      stamp.log_offset = at;
      encode(m, stamp, out);
    });
    ++next;
    record_bytes += size;
    berth_append_result& r = results[i];
    r.queue_offset = stamp.queue_offset;
    r.log_offset = offset;
    r.store_time_ms = store_time;
    sdk::write_message_id(id_prefix(sdk::view(m.store_host)), offset, r.message_id);
  }
  return {log_.write_offset(), record_bytes};
}

const std::string& appender::id_prefix(std::string_view store_host) {
  if (store_host != id_host_ || id_prefix_.empty()) {
    id_host_.assign(store_host);
    id_prefix_ = sdk::message_id_prefix(store_host);
  }
  return id_prefix_;
}

}  // namespace berth::store_mmap
