// The body of every request, response and push of docs/protocol.md version 1, in the spec's
// field order. Each has encode(writer&) and read(reader&) (decode<T>() wraps the latter into a
// decoded<T>); bodies holding message bodies also have encode_gathered(writer&, gather&).
// Strings are views: of the caller's data when encoding, of the frame when decoding.
//
// Which body goes with which code: body_types.hpp. Codes whose body is a bare record use the
// record itself (SEND: message, SEND response: send_result, MESSAGE_BY_ID response and REPLY
// push: stored_message); codes without a body use empty_body.
#pragma once

#include <berth/wire/frame.hpp>
#include <berth/wire/gather.hpp>
#include <berth/wire/message.hpp>
#include <berth/wire/reader.hpp>
#include <berth/wire/records.hpp>
#include <berth/wire/writer.hpp>

#include <cstdint>
#include <string_view>
#include <vector>

namespace berth::wire {

// No fields: TOPIC_LIST and GROUP_LIST requests; HEARTBEAT, COMMIT_OFFSET, TOPIC_CREATE and
// TOPIC_DELETE responses.
struct empty_body {
  void encode(writer&) const noexcept {}
  void read(reader&) noexcept {}
  bool operator==(const empty_body&) const = default;
};

// The body of every response whose status is not ok.
struct error_response {
  std::string_view message;

  void encode(writer& w) const { w.text(message); }
  void read(reader& r) { message = r.text("message"); }
  bool operator==(const error_response&) const = default;
};

// UNSUPPORTED_VERSION: the message, then the highest version the broker speaks.
struct unsupported_version_response {
  std::string_view message;
  uint8_t max_version = protocol_version;

  void encode(writer& w) const {
    w.text(message);
    w.u8(max_version);
  }
  void read(reader& r) {
    message = r.text("message");
    max_version = r.u8("max_version");
  }
  bool operator==(const unsupported_version_response&) const = default;
};

// ---- HELLO, HEARTBEAT ----------------------------------------------------------------------

struct hello_request {
  std::string_view client_id;
  std::string_view client_version;
  uint8_t max_version = protocol_version;

  void encode(writer& w) const {
    w.str(client_id);
    w.str(client_version);
    w.u8(max_version);
  }
  void read(reader& r) {
    client_id = r.str("client_id");
    client_version = r.str("client_version");
    max_version = r.u8("max_version");
  }
  bool operator==(const hello_request&) const = default;
};

struct hello_response {
  std::string_view broker_name;
  std::string_view broker_version;
  uint8_t version = protocol_version;  // the one both speak
  uint32_t max_frame_size = 0;
  uint32_t max_message_size = 0;
  // Added with signed requests (both optional: absent from older brokers).
  bool auth_required = false;  // every request but HELLO must be signed
  bytes_view auth_nonce;       // this connection's nonce, in every signed prefix

  void encode(writer& w) const {
    w.str(broker_name);
    w.str(broker_version);
    w.u8(version);
    w.u32(max_frame_size);
    w.u32(max_message_size);
    w.boolean(auth_required);
    w.bytes(auth_nonce);
  }
  void read(reader& r) {
    broker_name = r.str("broker_name");
    broker_version = r.str("broker_version");
    version = r.u8("version");
    max_frame_size = r.u32("max_frame_size");
    max_message_size = r.u32("max_message_size");
    auth_required = r.optional_boolean("auth_required", false);
    if (!r.at_end()) auth_nonce = r.bytes("auth_nonce");
  }
  bool operator==(const hello_response&) const = default;
};

struct heartbeat_request {
  std::string_view client_id;
  std::vector<subscription> subscriptions;

  void encode(writer& w) const {
    w.str(client_id);
    w.list(subscriptions);
  }
  void read(reader& r) {
    client_id = r.str("client_id");
    r.list("subscriptions", subscriptions);
  }
  bool operator==(const heartbeat_request&) const = default;
};

// ---- SEND, SEND_BATCH, SEND_REPLY ----------------------------------------------------------

using send_request = message;
using send_response = send_result;
using send_reply_request = message;  // with CORRELATION_ID and REPLY_TO_CLIENT properties
using send_reply_response = send_result;

// One topic and queue for all messages (the broker checks).
struct send_batch_request {
  std::vector<message> messages;

  void encode(writer& w) const { w.list(messages); }
  void encode_gathered(writer& w, gather& g) const {
    w.count(messages.size());
    for (const message& m : messages) m.encode_gathered(w, g);
  }
  void read(reader& r) { r.list("messages", messages); }
  bool operator==(const send_batch_request&) const = default;
};

struct send_batch_response {
  std::vector<send_result> results;  // one per message, in order

  void encode(writer& w) const { w.list(results); }
  void read(reader& r) { r.list("results", results); }
  bool operator==(const send_batch_response&) const = default;
};

// ---- PULL, COMMIT_OFFSET, QUERY_OFFSET, QUERY_ASSIGNMENT -----------------------------------

struct pull_request {
  std::string_view group;
  std::string_view topic;
  uint32_t queue_id = 0;
  uint64_t offset = 0;
  uint32_t max_messages = 0;
  uint32_t max_bytes = 0;
  uint32_t hold_ms = 0;
  wire::filter_type filter_type = wire::filter_type::tag;
  std::string_view expression;
  bool commit = false;  // commit commit_offset for the group along with the pull
  uint64_t commit_offset = 0;

  void encode(writer& w) const {
    w.str(group);
    w.str(topic);
    w.u32(queue_id);
    w.u64(offset);
    w.u32(max_messages);
    w.u32(max_bytes);
    w.u32(hold_ms);
    w.u8(static_cast<uint8_t>(filter_type));
    w.text(expression);
    w.boolean(commit);
    w.u64(commit_offset);
  }
  void read(reader& r) {
    group = r.str("group");
    topic = r.str("topic");
    queue_id = r.u32("queue_id");
    offset = r.u64("offset");
    max_messages = r.u32("max_messages");
    max_bytes = r.u32("max_bytes");
    hold_ms = r.u32("hold_ms");
    filter_type = static_cast<wire::filter_type>(r.u8("filter_type"));
    expression = r.text("expression");
    commit = r.boolean("commit");
    commit_offset = r.u64("commit_offset");
  }
  bool operator==(const pull_request&) const = default;
};

struct pull_response {
  pull_status status = pull_status::found;
  uint64_t next_offset = 0;
  uint64_t min_offset = 0;
  uint64_t max_offset = 0;
  std::vector<stored_message> messages;

  void encode(writer& w) const {
    encode_head(w);
    w.list(messages);
  }
  // The message bodies stay out of the buffer (see gather.hpp).
  void encode_gathered(writer& w, gather& g) const {
    encode_head(w);
    w.count(messages.size());
    for (const stored_message& m : messages) m.encode_gathered(w, g);
  }
  void read(reader& r) {
    status = static_cast<pull_status>(r.u8("pull_status"));
    next_offset = r.u64("next_offset");
    min_offset = r.u64("min_offset");
    max_offset = r.u64("max_offset");
    r.list("messages", messages);
  }
  bool operator==(const pull_response&) const = default;

 private:
  void encode_head(writer& w) const {
    w.u8(static_cast<uint8_t>(status));
    w.u64(next_offset);
    w.u64(min_offset);
    w.u64(max_offset);
  }
};

struct commit_offset_request {
  std::string_view group;
  std::string_view topic;
  uint32_t queue_id = 0;
  uint64_t offset = 0;

  void encode(writer& w) const {
    w.str(group);
    w.str(topic);
    w.u32(queue_id);
    w.u64(offset);
  }
  void read(reader& r) {
    group = r.str("group");
    topic = r.str("topic");
    queue_id = r.u32("queue_id");
    offset = r.u64("offset");
  }
  bool operator==(const commit_offset_request&) const = default;
};

struct query_offset_request {
  std::string_view group;
  std::string_view topic;
  uint32_t queue_id = 0;

  void encode(writer& w) const {
    w.str(group);
    w.str(topic);
    w.u32(queue_id);
  }
  void read(reader& r) {
    group = r.str("group");
    topic = r.str("topic");
    queue_id = r.u32("queue_id");
  }
  bool operator==(const query_offset_request&) const = default;
};

struct query_offset_response {
  bool known = false;  // false: the group has committed nothing on the queue
  uint64_t offset = 0;

  void encode(writer& w) const {
    w.boolean(known);
    w.u64(offset);
  }
  void read(reader& r) {
    known = r.boolean("known");
    offset = r.u64("offset");
  }
  bool operator==(const query_offset_response&) const = default;
};

struct query_assignment_request {
  std::string_view group;
  std::string_view topic;
  std::string_view client_id;

  void encode(writer& w) const {
    w.str(group);
    w.str(topic);
    w.str(client_id);
  }
  void read(reader& r) {
    group = r.str("group");
    topic = r.str("topic");
    client_id = r.str("client_id");
  }
  bool operator==(const query_assignment_request&) const = default;
};

struct query_assignment_response {
  std::vector<uint32_t> queue_ids;

  void encode(writer& w) const { w.u32_list(queue_ids); }
  void read(reader& r) { r.u32_list("queue_ids", queue_ids); }
  bool operator==(const query_assignment_response&) const = default;
};

// ---- TOPIC_*, GROUP_* ----------------------------------------------------------------------

struct topic_create_request {
  std::string_view topic;
  uint32_t queues = 0;
  uint8_t perm = default_perm;  // optional: a body ending before it means default_perm

  void encode(writer& w) const {
    w.str(topic);
    w.u32(queues);
    w.u8(perm);
  }
  void read(reader& r) {
    topic = r.str("topic");
    queues = r.u32("queues");
    perm = r.optional_u8("perm", default_perm);
  }
  bool operator==(const topic_create_request&) const = default;
};

// A bare topic name: TOPIC_DESCRIBE and TOPIC_DELETE requests.
struct topic_request {
  std::string_view topic;

  void encode(writer& w) const { w.str(topic); }
  void read(reader& r) { topic = r.str("topic"); }
  bool operator==(const topic_request&) const = default;
};
using topic_describe_request = topic_request;
using topic_delete_request = topic_request;

// list<str>: TOPIC_LIST and GROUP_LIST responses.
struct name_list {
  std::vector<std::string_view> names;

  void encode(writer& w) const { w.str_list(names); }
  void read(reader& r) { r.str_list("names", names); }
  bool operator==(const name_list&) const = default;
};
using topic_list_request = empty_body;
using topic_list_response = name_list;
using group_list_request = empty_body;
using group_list_response = name_list;

struct topic_describe_response {
  uint32_t queues = 0;
  uint8_t perm = default_perm;
  std::vector<queue_state> queue_states;

  void encode(writer& w) const {
    w.u32(queues);
    w.u8(perm);
    w.list(queue_states);
  }
  void read(reader& r) {
    queues = r.u32("queues");
    perm = r.u8("perm");
    r.list("queue_states", queue_states);
  }
  bool operator==(const topic_describe_response&) const = default;
};

struct group_describe_request {
  std::string_view group;

  void encode(writer& w) const { w.str(group); }
  void read(reader& r) { group = r.str("group"); }
  bool operator==(const group_describe_request&) const = default;
};

struct group_describe_response {
  consume_model model = consume_model::clustering;
  std::vector<std::string_view> members;  // client ids
  std::vector<group_queue> queues;

  void encode(writer& w) const {
    w.u8(static_cast<uint8_t>(model));
    w.str_list(members);
    w.list(queues);
  }
  void read(reader& r) {
    model = static_cast<consume_model>(r.u8("model"));
    r.str_list("members", members);
    r.list("queues", queues);
  }
  bool operator==(const group_describe_response&) const = default;
};

struct group_reset_request {
  std::string_view group;
  std::string_view topic;
  reset_to to = reset_to::latest;
  int64_t time_ms = 0;  // for reset_to::time

  void encode(writer& w) const {
    w.str(group);
    w.str(topic);
    w.u8(static_cast<uint8_t>(to));
    w.i64(time_ms);
  }
  void read(reader& r) {
    group = r.str("group");
    topic = r.str("topic");
    to = static_cast<reset_to>(r.u8("to"));
    time_ms = r.i64("time_ms");
  }
  bool operator==(const group_reset_request&) const = default;
};

struct group_reset_response {
  std::vector<group_queue> queues;  // the new offsets

  void encode(writer& w) const { w.list(queues); }
  void read(reader& r) { r.list("queues", queues); }
  bool operator==(const group_reset_response&) const = default;
};

// ---- MESSAGE_BY_ID, MESSAGE_BY_KEY, MESSAGE_AT ---------------------------------------------

struct message_by_id_request {
  std::string_view message_id;

  void encode(writer& w) const { w.str(message_id); }
  void read(reader& r) { message_id = r.str("message_id"); }
  bool operator==(const message_by_id_request&) const = default;
};
using message_by_id_response = stored_message;

struct message_by_key_request {
  std::string_view topic;
  std::string_view key;
  int64_t begin_ms = 0;
  int64_t end_ms = 0;
  uint32_t max = 0;

  void encode(writer& w) const {
    w.str(topic);
    w.str(key);
    w.i64(begin_ms);
    w.i64(end_ms);
    w.u32(max);
  }
  void read(reader& r) {
    topic = r.str("topic");
    key = r.str("key");
    begin_ms = r.i64("begin_ms");
    end_ms = r.i64("end_ms");
    max = r.u32("max");
  }
  bool operator==(const message_by_key_request&) const = default;
};

// list<stored message>: the MESSAGE_BY_KEY response.
struct stored_message_list {
  std::vector<stored_message> messages;

  void encode(writer& w) const { w.list(messages); }
  void encode_gathered(writer& w, gather& g) const {
    w.count(messages.size());
    for (const stored_message& m : messages) m.encode_gathered(w, g);
  }
  void read(reader& r) { r.list("messages", messages); }
  bool operator==(const stored_message_list&) const = default;
};
using message_by_key_response = stored_message_list;

struct message_at_request {
  std::string_view topic;
  uint32_t queue_id = 0;
  uint64_t offset = 0;

  void encode(writer& w) const {
    w.str(topic);
    w.u32(queue_id);
    w.u64(offset);
  }
  void read(reader& r) {
    topic = r.str("topic");
    queue_id = r.u32("queue_id");
    offset = r.u64("offset");
  }
  bool operator==(const message_at_request&) const = default;
};
using message_at_response = stored_message;

// RECALL: a delayed message that is still parked will not be delivered. Named by the timer
// queue offset its SEND answer gave (queue_offset) and checked against its topic and id (the
// SEND answer's message_id, or the producer's UNIQ_KEY); the response has no body.
struct recall_request {
  std::string_view topic;
  uint64_t timer_offset = 0;
  std::string_view message_id;

  void encode(writer& w) const {
    w.str(topic);
    w.u64(timer_offset);
    w.str(message_id);
  }
  void read(reader& r) {
    topic = r.str("topic");
    timer_offset = r.u64("timer_offset");
    message_id = r.str("message_id");
  }
  bool operator==(const recall_request&) const = default;
};

// ---- pushes --------------------------------------------------------------------------------

// The client fetches its assignment for the group and topic again.
struct group_changed_push {
  std::string_view group;
  std::string_view topic;

  void encode(writer& w) const {
    w.str(group);
    w.str(topic);
  }
  void read(reader& r) {
    group = r.str("group");
    topic = r.str("topic");
  }
  bool operator==(const group_changed_push&) const = default;
};

// An administrator reset the group's offsets on the topic: the client forgets its positions in
// the topic's queues and continues from the committed offsets (QUERY_OFFSET).
using offsets_reset_push = group_changed_push;

using reply_push = stored_message;  // the reply to a request this client sent

}  // namespace berth::wire
