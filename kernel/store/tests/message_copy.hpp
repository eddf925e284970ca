// An owned copy of a message view, to compare after (or while) the store's memory changes:
// what the store conformance suite and store-mmap's plugin tests read back from a store.
#pragma once

#include <berth/abi/berth_message.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berth::test {

struct message_copy {
  std::string topic;
  uint32_t queue_id = 0;
  uint64_t queue_offset = 0;
  uint64_t log_offset = 0;
  int64_t born_time_ms = 0;
  int64_t store_time_ms = 0;
  std::string message_id;
  std::string tags;
  std::string keys;
  uint64_t tag_hash = 0;
  std::vector<std::pair<std::string, std::string>> properties;  // in the view's order
  uint32_t flag = 0;
  uint32_t sys_flag = 0;
  uint32_t reconsume_times = 0;
  std::vector<uint8_t> body;
  std::string born_host;
  std::string store_host;

  static message_copy of(const berth_message_view& view) {
    const auto text = [](berth_str s) {
      return s.len == 0 ? std::string{} : std::string(s.ptr, s.len);
    };
    message_copy m;
    m.topic = text(view.topic);
    m.queue_id = view.queue_id;
    m.queue_offset = view.queue_offset;
    m.log_offset = view.log_offset;
    m.born_time_ms = view.born_time_ms;
    m.store_time_ms = view.store_time_ms;
    m.message_id = text(view.message_id);
    m.tags = text(view.tags);
    m.keys = text(view.keys);
    m.tag_hash = view.tag_hash;
    for (uint32_t i = 0; i < view.property_count; ++i) {
      m.properties.emplace_back(text(view.properties[i].name), text(view.properties[i].value));
    }
    m.flag = view.flag;
    m.sys_flag = view.sys_flag;
    m.reconsume_times = view.reconsume_times;
    if (view.body.len > 0) m.body.assign(view.body.ptr, view.body.ptr + view.body.len);
    m.born_host = text(view.born_host);
    m.store_host = text(view.store_host);
    return m;
  }

  bool operator==(const message_copy&) const = default;
};

// One line for a failed comparison: where the message is, its names, and the start of its
// body (bytes outside printable ASCII as '.').
inline std::ostream& operator<<(std::ostream& out, const message_copy& m) {
  std::string start;
  for (size_t i = 0; i < std::min<size_t>(m.body.size(), 24); ++i) {
    const uint8_t b = m.body[i];
    start.push_back(b >= 0x20 && b < 0x7F ? static_cast<char>(b) : '.');
  }
  return out << '{' << m.topic << ':' << m.queue_id << " @" << m.queue_offset << " log "
             << m.log_offset << " time " << m.store_time_ms << " id '" << m.message_id
             << "' tags '" << m.tags << "' keys '" << m.keys << "' " << m.properties.size()
             << " properties, " << m.body.size() << "-byte body '" << start << "...'}";
}

}  // namespace berth::test
