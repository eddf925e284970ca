#include "reader.hpp"

#include "record.hpp"
#include "record_keys.hpp"

#include <berth/plugin/message_id.hpp>

#include <algorithm>
#include <array>
#include <deque>
#include <vector>

namespace berth::store_mmap {

namespace {

constexpr uint64_t default_max_scan = 16'000;
constexpr uint32_t max_lookup_messages = 64;

}  // namespace

// Views plus what they point into: segments (pins), ids and property arrays. Deques, so that
// adding an element never moves the ones earlier views point at.
class reader::batch : public sdk::read_batch {
 public:
  void add(const decoded_record& record, mapped_file_ptr file) {
    berth_message_view view = to_view(record);
    std::vector<berth_property>& props = properties_.emplace_back();
    parse_properties(record, props);
    view.properties = props.empty() ? nullptr : props.data();
    view.property_count = static_cast<uint32_t>(props.size());
    const std::string& id = ids_.emplace_back(sdk::make_message_id(record.store_host, record.log_offset));
    view.message_id = berth_str{id.data(), id.size()};
    messages.push_back(view);
    if (pins.empty() || pins.back() != file) pins.push_back(std::move(file));
  }

 private:
  std::deque<std::vector<berth_property>> properties_;
  std::deque<std::string> ids_;
};

reader::loaded reader::load(uint64_t log_offset, uint32_t size, batch& into) const {
  const pinned_bytes bytes = parts_.log.at(log_offset, size);
  if (bytes.bytes.empty()) return loaded::gone;
  decode_result r = decode(bytes.bytes, log_offset, true);
  if (r.status != decode_status::record || r.size != size) {
    parts_.report_corrupt("damaged record at log offset " + std::to_string(log_offset) + " in " +
                          bytes.file->path().string() + ": " +
                          (r.reason.empty() ? "not a record" : r.reason) + "; not served");
    return loaded::damaged;
  }
  into.add(r.record, bytes.file);
  return loaded::ok;
}

sdk::read_batch_ptr reader::read(const sdk::read_request& request) const {
  auto out = std::make_unique<batch>();
  const std::shared_ptr<consume_queue> queue = parts_.queues.find(request.topic, request.queue_id);
  if (!queue) {
    out->status = BERTH_READ_NO_QUEUE;
    return out;
  }
  out->min_offset = queue->min_offset();
  out->max_offset = queue->max_offset();
  out->next_offset = request.offset;
  if (request.offset < out->min_offset) {
    out->status = BERTH_READ_BEFORE_START;
    out->next_offset = out->min_offset;
    return out;
  }
  if (request.offset >= out->max_offset) {
    out->status = request.offset == out->max_offset ? BERTH_READ_END : BERTH_READ_PAST_END;
    out->next_offset = out->max_offset;
    return out;
  }

  const uint64_t max_scan = request.max_scan == 0 ? default_max_scan : request.max_scan;
  uint64_t offset = request.offset;
  uint64_t scanned = 0;
  uint64_t bytes = 0;
  bool stop = false;
  bool damaged = false;
  std::array<queue_entry, 64> entries;
  while (!stop && offset < out->max_offset && scanned < max_scan) {
    const size_t n = queue->get(offset, std::span(entries).first(
                                            std::min<uint64_t>(entries.size(), max_scan - scanned)));
    if (n == 0) break;
    for (size_t i = 0; i < n; ++i) {
      const queue_entry& e = entries[i];
      if (out->messages.size() >= request.max_messages ||
          (!out->messages.empty() && request.max_bytes != 0 && bytes + e.size > request.max_bytes)) {
        stop = true;
        break;
      }
      ++scanned;
      ++offset;
      if (!request.accepts(e.tag_hash)) continue;
      // Queue entries exist only for visible records; a record that is gone was removed by
      // retention after the entry was read.
      const loaded result = load(e.log_offset, e.size, *out);
      if (result == loaded::gone) continue;
      if (result == loaded::damaged) {
        // Never skip past a damaged record silently: stop before it, so the caller sees it.
        --offset;
        stop = true;
        damaged = true;
        break;
      }
      bytes += e.size;
    }
  }
  out->next_offset = offset;
  if (!out->messages.empty()) {
    out->status = BERTH_READ_FOUND;
  } else if (damaged) {
    throw sdk::plugin_error(BERTH_E_IO, "queue " + std::to_string(request.queue_id) + " of '" +
                                            std::string(request.topic) + "': the record at offset " +
                                            std::to_string(offset) + " is damaged or unreadable");
  } else {
    out->status = BERTH_READ_NONE_MATCHED;
  }
  return out;
}

std::optional<sdk::queue_range> reader::bounds(std::string_view topic, uint32_t queue_id) const {
  const std::shared_ptr<consume_queue> queue = parts_.queues.find(topic, queue_id);
  if (!queue) return std::nullopt;
  return sdk::queue_range{queue->min_offset(), queue->max_offset()};
}

std::optional<uint64_t> reader::offset_by_time(std::string_view topic, uint32_t queue_id,
                                               int64_t time_ms) const {
  const std::shared_ptr<consume_queue> queue = parts_.queues.find(topic, queue_id);
  if (!queue) return std::nullopt;
  return queue->offset_by_time(time_ms);
}

sdk::read_batch_ptr reader::lookup_id(std::string_view message_id) const {
  const std::optional<uint64_t> offset = sdk::message_id_offset(message_id);
  if (!offset) {
    throw sdk::plugin_error(BERTH_E_INVALID, "'" + std::string(message_id) +
                                                 "' is not a message id (32 or 56 hex digits)");
  }
  if (*offset < parts_.log.min_offset() || *offset >= parts_.visible_limit()) return nullptr;
  const pinned_bytes tail = parts_.log.tail_at(*offset);
  if (tail.bytes.empty()) return nullptr;
  const decode_result r = decode(tail.bytes, *offset, true);
  if (r.status != decode_status::record) return nullptr;  // not a record boundary
  std::string expected = sdk::make_message_id(r.record.store_host, *offset);
  std::string given(message_id);
  std::transform(given.begin(), given.end(), given.begin(),
                 [](char c) { return static_cast<char>(c >= 'a' && c <= 'f' ? c - 32 : c); });
  if (expected != given) return nullptr;
  auto out = std::make_unique<batch>();
  if (load(*offset, r.size, *out) != loaded::ok) return nullptr;
  out->next_offset = r.record.queue_offset + 1;
  return out;
}

sdk::read_batch_ptr reader::lookup_key(std::string_view topic, std::string_view key,
                                       int64_t begin_ms, int64_t end_ms,
                                       uint32_t max_messages) const {
  auto out = std::make_unique<batch>();
  const uint32_t wanted = std::clamp<uint32_t>(max_messages, 1, max_lookup_messages);
  // Only hashes are in the index: ask for more candidates than wanted, check each for real.
  const std::vector<uint64_t> candidates =
      parts_.index.lookup(topic, key, begin_ms, end_ms, size_t{wanted} * 4);
  for (const uint64_t offset : candidates) {
    if (out->messages.size() >= wanted) break;
    if (offset < parts_.log.min_offset() || offset >= parts_.visible_limit()) continue;
    const pinned_bytes tail = parts_.log.tail_at(offset);
    if (tail.bytes.empty()) continue;
    const decode_result r = decode(tail.bytes, offset, true);
    if (r.status != decode_status::record || r.record.topic != topic) continue;
    if (r.record.store_time_ms < begin_ms || r.record.store_time_ms > end_ms) continue;
    bool has_key = false;
    std::vector<berth_property> scratch;
    for_each_key(r.record.keys, unique_key_of(r.record, scratch),
                 [&](std::string_view k) { has_key = has_key || k == key; });
    if (!has_key) continue;
    out->add(r.record, tail.file);
  }
  return out;
}

}  // namespace berth::store_mmap
