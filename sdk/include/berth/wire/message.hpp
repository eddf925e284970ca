// The two message records: `message` as producers send it (SEND, SEND_BATCH, SEND_REPLY) and
// `stored_message` as the broker serves it (PULL responses, lookups, REPLY pushes). The body
// is the last field of both, so encode_prefix() can write everything up to and including the
// body's length and leave the body itself to a gathered write (see gather.hpp); body_last
// gives both their encode() and encode_gathered() from it.
#pragma once

#include <berth/wire/field.hpp>
#include <berth/wire/gather.hpp>
#include <berth/wire/reader.hpp>
#include <berth/wire/writer.hpp>

#include <cstdint>
#include <string_view>
#include <vector>

namespace berth::wire {

inline constexpr int32_t any_queue = -1;  // message::queue_id: the broker picks

// encode() and encode_gathered() for a record whose last field is its body, from the
// record's encode_prefix(writer&), which writes every field up to and including the body's
// length and returns the body: encode() appends the body to the buffer, encode_gathered()
// leaves it to the gathered write.
template <class Record>
struct body_last {
  void encode(writer& w) const { w.raw(record().encode_prefix(w)); }
  void encode_gathered(writer& w, gather& g) const {
    const bytes_view b = record().encode_prefix(w);  // before w.size(): the length comes first
    g.add(w.size(), b);
  }

  bool operator==(const body_last&) const = default;

 private:
  const Record& record() const noexcept { return static_cast<const Record&>(*this); }
};

struct message : body_last<message> {
  std::string_view topic;
  int32_t queue_id = any_queue;
  std::string_view tags;
  std::string_view keys;  // space-separated
  std::vector<property> properties;
  uint32_t flag = 0;
  int64_t born_time_ms = 0;
  bytes_view body;

  // Every field empty or zero.
  static constexpr size_t min_wire_size = 2 + 4 + 2 + 2 + 2 + 4 + 8 + 4;

  // Everything but the body's bytes; returns the body, which the caller sends next.
  bytes_view encode_prefix(writer& w) const {
    w.str(topic);
    w.i32(queue_id);
    w.str(tags);
    w.str(keys);
    w.props(properties);
    w.u32(flag);
    w.i64(born_time_ms);
    w.bytes_length(body.size());
    return body;
  }

  void read(reader& r) {
    topic = r.str("topic");
    queue_id = r.i32("queue_id");
    tags = r.str("tags");
    keys = r.str("keys");
    r.props("properties", properties);
    flag = r.u32("flag");
    born_time_ms = r.i64("born_time_ms");
    body = r.bytes("body");
  }

  bool operator==(const message&) const = default;
};

struct stored_message : body_last<stored_message> {
  std::string_view topic;
  uint32_t queue_id = 0;
  uint64_t queue_offset = 0;
  uint64_t log_offset = 0;
  std::string_view message_id;
  std::string_view tags;
  std::string_view keys;
  std::vector<property> properties;
  uint32_t flag = 0;
  uint32_t sys_flag = 0;
  uint32_t reconsume_times = 0;
  int64_t born_time_ms = 0;
  int64_t store_time_ms = 0;
  std::string_view born_host;
  std::string_view store_host;
  bytes_view body;

  static constexpr size_t min_wire_size =
      2 + 4 + 8 + 8 + 2 + 2 + 2 + 2 + 4 + 4 + 4 + 8 + 8 + 2 + 2 + 4;

  // Everything but the body's bytes; returns the body, which the caller sends next.
  bytes_view encode_prefix(writer& w) const {
    w.str(topic);
    w.u32(queue_id);
    w.u64(queue_offset);
    w.u64(log_offset);
    w.str(message_id);
    w.str(tags);
    w.str(keys);
    w.props(properties);
    w.u32(flag);
    w.u32(sys_flag);
    w.u32(reconsume_times);
    w.i64(born_time_ms);
    w.i64(store_time_ms);
    w.str(born_host);
    w.str(store_host);
    w.bytes_length(body.size());
    return body;
  }

  void read(reader& r) {
    topic = r.str("topic");
    queue_id = r.u32("queue_id");
    queue_offset = r.u64("queue_offset");
    log_offset = r.u64("log_offset");
    message_id = r.str("message_id");
    tags = r.str("tags");
    keys = r.str("keys");
    r.props("properties", properties);
    flag = r.u32("flag");
    sys_flag = r.u32("sys_flag");
    reconsume_times = r.u32("reconsume_times");
    born_time_ms = r.i64("born_time_ms");
    store_time_ms = r.i64("store_time_ms");
    born_host = r.str("born_host");
    store_host = r.str("store_host");
    body = r.bytes("body");
  }

  bool operator==(const stored_message&) const = default;
};

}  // namespace berth::wire
