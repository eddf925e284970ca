// The small records and enumerations the bodies share: send_result, subscription,
// queue_state, group_queue. Enumerations carry any u8 the peer sent; whether a value is in
// range is the receiver's check (INVALID_ARGUMENT), not the codec's.
#pragma once

#include <berth/wire/reader.hpp>
#include <berth/wire/writer.hpp>

#include <cstdint>
#include <limits>
#include <string_view>

namespace berth::wire {

enum class consume_model : uint8_t { clustering = 0, broadcasting = 1 };
enum class filter_type : uint8_t { tag = 0, sql = 1, lua = 2 };

enum class pull_status : uint8_t {
  found = 0,
  no_new_message = 1,  // after holding up to hold_ms
  offset_moved = 2,    // next_offset says where to continue
  no_match = 3,        // none matched in the scanned window: pull again at next_offset at once
};

enum class reset_to : uint8_t { time = 0, earliest = 1, latest = 2 };

// Topic permissions (`perm`): bits, default read and write.
inline constexpr uint8_t perm_write = 1u << 1;
inline constexpr uint8_t perm_read = 1u << 2;
inline constexpr uint8_t default_perm = perm_read | perm_write;

// group_queue::committed when the group has committed nothing on the queue.
inline constexpr uint64_t no_offset = std::numeric_limits<uint64_t>::max();

struct send_result {
  std::string_view message_id;
  uint32_t queue_id = 0;
  uint64_t queue_offset = 0;
  uint64_t log_offset = 0;
  int64_t store_time_ms = 0;

  static constexpr size_t min_wire_size = 2 + 4 + 8 + 8 + 8;

  void encode(writer& w) const {
    w.str(message_id);
    w.u32(queue_id);
    w.u64(queue_offset);
    w.u64(log_offset);
    w.i64(store_time_ms);
  }
  void read(reader& r) {
    message_id = r.str("message_id");
    queue_id = r.u32("queue_id");
    queue_offset = r.u64("queue_offset");
    log_offset = r.u64("log_offset");
    store_time_ms = r.i64("store_time_ms");
  }

  bool operator==(const send_result&) const = default;
};

struct subscription {
  std::string_view group;
  std::string_view topic;
  consume_model model = consume_model::clustering;
  wire::filter_type filter_type = wire::filter_type::tag;
  std::string_view expression;

  static constexpr size_t min_wire_size = 2 + 2 + 1 + 1 + 4;

  void encode(writer& w) const {
    w.str(group);
    w.str(topic);
    w.u8(static_cast<uint8_t>(model));
    w.u8(static_cast<uint8_t>(filter_type));
    w.text(expression);
  }
  void read(reader& r) {
    group = r.str("group");
    topic = r.str("topic");
    model = static_cast<consume_model>(r.u8("model"));
    filter_type = static_cast<wire::filter_type>(r.u8("filter_type"));
    expression = r.text("expression");
  }

  bool operator==(const subscription&) const = default;
};

struct queue_state {
  uint32_t queue_id = 0;
  uint64_t min_offset = 0;
  uint64_t max_offset = 0;

  static constexpr size_t min_wire_size = 4 + 8 + 8;

  void encode(writer& w) const {
    w.u32(queue_id);
    w.u64(min_offset);
    w.u64(max_offset);
  }
  void read(reader& r) {
    queue_id = r.u32("queue_id");
    min_offset = r.u64("min_offset");
    max_offset = r.u64("max_offset");
  }

  bool operator==(const queue_state&) const = default;
};

struct group_queue {
  std::string_view topic;
  uint32_t queue_id = 0;
  uint64_t committed = no_offset;
  uint64_t max_offset = 0;
  uint64_t lag = 0;

  static constexpr size_t min_wire_size = 2 + 4 + 8 + 8 + 8;

  void encode(writer& w) const {
    w.str(topic);
    w.u32(queue_id);
    w.u64(committed);
    w.u64(max_offset);
    w.u64(lag);
  }
  void read(reader& r) {
    topic = r.str("topic");
    queue_id = r.u32("queue_id");
    committed = r.u64("committed");
    max_offset = r.u64("max_offset");
    lag = r.u64("lag");
  }

  bool operator==(const group_queue&) const = default;
};

}  // namespace berth::wire
