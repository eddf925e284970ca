// The bodies of POP (60), ACK (61) and CHANGE_INVISIBLE (62): consumption where the broker
// keeps each group's in-flight messages (docs/protocol.md, "Pop consumption"). A popped
// message comes with an opaque receipt handle, which ACK and CHANGE_INVISIBLE name it by.
#pragma once

#include <berth/wire/message.hpp>
#include <berth/wire/reader.hpp>
#include <berth/wire/records.hpp>
#include <berth/wire/writer.hpp>

#include <cstdint>
#include <string_view>
#include <vector>

namespace berth::wire {

struct pop_request {
  std::string_view group;
  std::string_view topic;
  int32_t queue_id = any_queue;  // -1: any queue of the topic, scanned round-robin
  uint32_t max_messages = 0;     // 1..32
  uint32_t invisible_ms = 0;     // how long a popped message stays hidden: 1 s .. 12 h
  uint32_t hold_ms = 0;          // long polling: wait up to this for a message
  wire::filter_type filter_type = wire::filter_type::tag;
  std::string_view expression;
  bool fifo = false;          // hand out a message group's messages one at a time, in order
  uint32_t max_attempts = 0;  // deliveries before the dead-letter topic; 0: the broker default

  void encode(writer& w) const {
    w.str(group);
    w.str(topic);
    w.i32(queue_id);
    w.u32(max_messages);
    w.u32(invisible_ms);
    w.u32(hold_ms);
    w.u8(static_cast<uint8_t>(filter_type));
    w.text(expression);
    w.boolean(fifo);
    w.u32(max_attempts);
  }
  void read(reader& r) {
    group = r.str("group");
    topic = r.str("topic");
    queue_id = r.i32("queue_id");
    max_messages = r.u32("max_messages");
    invisible_ms = r.u32("invisible_ms");
    hold_ms = r.u32("hold_ms");
    filter_type = static_cast<wire::filter_type>(r.u8("filter_type"));
    expression = r.text("expression");
    fifo = r.boolean("fifo");
    max_attempts = r.u32("max_attempts");
  }
  bool operator==(const pop_request&) const = default;
};

// One popped message: its handle, which delivery this is (1 the first), and the message
// (its reconsume_times is attempt - 1).
struct popped_message {
  std::string_view receipt_handle;
  uint32_t attempt = 0;
  int64_t invisible_until_ms = 0;  // the broker's clock, ms since the epoch
  stored_message message;

  static constexpr size_t min_wire_size = 2 + 4 + 8 + stored_message::min_wire_size;

  void encode(writer& w) const {
    w.str(receipt_handle);
    w.u32(attempt);
    w.i64(invisible_until_ms);
    message.encode(w);
  }
  void read(reader& r) {
    receipt_handle = r.str("receipt_handle");
    attempt = r.u32("attempt");
    invisible_until_ms = r.i64("invisible_until_ms");
    message.read(r);
  }
  bool operator==(const popped_message&) const = default;
};

// Empty when nothing was there within the hold time.
struct pop_response {
  std::vector<popped_message> messages;

  void encode(writer& w) const { w.list(messages); }
  void read(reader& r) { r.list("messages", messages); }
  bool operator==(const pop_response&) const = default;
};

// ACK: the message is done; its response has no body.
struct ack_request {
  std::string_view group;
  std::string_view topic;
  std::string_view receipt_handle;

  void encode(writer& w) const {
    w.str(group);
    w.str(topic);
    w.str(receipt_handle);
  }
  void read(reader& r) {
    group = r.str("group");
    topic = r.str("topic");
    receipt_handle = r.str("receipt_handle");
  }
  bool operator==(const ack_request&) const = default;
};

// CHANGE_INVISIBLE: the message stays hidden for invisible_ms from now (0 .. 12 h; 0 hands it
// out again at once); the old handle becomes stale.
struct change_invisible_request {
  std::string_view group;
  std::string_view topic;
  std::string_view receipt_handle;
  uint32_t invisible_ms = 0;

  void encode(writer& w) const {
    w.str(group);
    w.str(topic);
    w.str(receipt_handle);
    w.u32(invisible_ms);
  }
  void read(reader& r) {
    group = r.str("group");
    topic = r.str("topic");
    receipt_handle = r.str("receipt_handle");
    invisible_ms = r.u32("invisible_ms");
  }
  bool operator==(const change_invisible_request&) const = default;
};

struct change_invisible_response {
  std::string_view receipt_handle;  // the new handle
  int64_t invisible_until_ms = 0;

  void encode(writer& w) const {
    w.str(receipt_handle);
    w.i64(invisible_until_ms);
  }
  void read(reader& r) {
    receipt_handle = r.str("receipt_handle");
    invisible_until_ms = r.i64("invisible_until_ms");
  }
  bool operator==(const change_invisible_response&) const = default;
};

}  // namespace berth::wire
