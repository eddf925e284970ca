// What a frame is (kind), what it is about (code) and how a response ended (status): every
// value of docs/protocol.md version 1, with the spec's names for logs and error messages.
// Values are never reused; new ones are only added.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace berth::wire {

enum class kind : uint8_t {
  request = 0,
  response = 1,
  push = 2,  // server to client, not asked for
};

enum class code : uint16_t {
  hello = 1,
  heartbeat = 2,
  send = 10,
  send_batch = 11,
  pull = 12,
  commit_offset = 13,
  query_offset = 14,
  query_assignment = 15,
  send_back = 16,
  end_transaction = 17,
  producer_register = 18,
  topic_create = 20,
  topic_list = 21,
  topic_describe = 22,
  topic_delete = 23,
  group_list = 30,
  group_describe = 31,
  group_reset = 32,
  lock_queues = 33,
  unlock_queues = 34,
  message_by_id = 40,
  message_by_key = 41,
  message_at = 42,
  send_reply = 50,
  pop = 60,
  ack = 61,
  change_invisible = 62,
  recall = 63,
  // pushes
  group_changed = 100,
  reply = 101,
  offsets_reset = 102,
  check_transaction = 103,
};

enum class status : uint16_t {
  ok = 0,
  malformed_frame = 1,      // the connection is closed
  frame_too_large = 2,      // the connection is closed
  unsupported_version = 3,  // body: text message, u8 highest version spoken
  unknown_code = 4,
  malformed_request = 5,
  invalid_argument = 6,
  message_too_large = 7,
  no_topic = 10,
  no_group = 11,
  no_queue = 12,
  not_found = 13,
  topic_exists = 14,
  no_permission = 15,
  store_full = 20,
  store_failed = 21,
  timeout = 22,
  busy = 23,
  shutting_down = 24,
  unauthenticated = 30,
  forbidden = 31,
  tls_required = 32,  // a plaintext connection to a TLS port; the connection is closed
  bad_signature = 33,      // a signed request whose signature does not match
  signature_expired = 34,  // signed outside the broker's clock window
  replayed = 35,           // a signed request id not above the last one on its connection
  invalid_delay = 40,  // a delay level or delivery time out of range, or a delayed batch
  unknown_transaction = 41,
  invalid_handle = 42,
  stale_handle = 43,
  already_acked = 44,
  transaction_resolved = 45,
  invalid_filter = 46,      // the filter refused the expression; the message says where ("col N: ...")
  filter_unsupported = 47,  // no filter plugin serves that filter type
  internal = 99,
};

inline constexpr std::array all_codes{
    code::hello,          code::heartbeat,      code::send,           code::send_batch,
    code::pull,           code::commit_offset,  code::query_offset,   code::query_assignment,
    code::topic_create,   code::topic_list,     code::topic_describe, code::topic_delete,
    code::group_list,     code::group_describe, code::group_reset,    code::message_by_id,
    code::message_by_key, code::message_at,     code::send_reply,     code::pop,
    code::ack,            code::change_invisible, code::group_changed,  code::reply,
    code::offsets_reset,  code::end_transaction, code::producer_register,
    code::check_transaction, code::send_back, code::lock_queues, code::unlock_queues,
    code::recall,
};

inline constexpr std::array all_statuses{
    status::ok,
    status::malformed_frame,
    status::frame_too_large,
    status::unsupported_version,
    status::unknown_code,
    status::malformed_request,
    status::invalid_argument,
    status::message_too_large,
    status::no_topic,
    status::no_group,
    status::no_queue,
    status::not_found,
    status::topic_exists,
    status::no_permission,
    status::store_full,
    status::store_failed,
    status::timeout,
    status::busy,
    status::shutting_down,
    status::unauthenticated,
    status::forbidden,
    status::tls_required,
    status::bad_signature,
    status::signature_expired,
    status::replayed,
    status::invalid_delay,
    status::unknown_transaction,
    status::invalid_handle,
    status::stale_handle,
    status::already_acked,
    status::transaction_resolved,
    status::invalid_filter,
    status::filter_unsupported,
    status::internal,
};

// The spec's name ("PULL"), or "UNKNOWN" for a value version 1 does not define.
[[nodiscard]] constexpr std::string_view name(code c) noexcept {
  switch (c) {
    case code::hello: return "HELLO";
    case code::heartbeat: return "HEARTBEAT";
    case code::send: return "SEND";
    case code::send_batch: return "SEND_BATCH";
    case code::pull: return "PULL";
    case code::commit_offset: return "COMMIT_OFFSET";
    case code::query_offset: return "QUERY_OFFSET";
    case code::query_assignment: return "QUERY_ASSIGNMENT";
    case code::send_back: return "SEND_BACK";
    case code::end_transaction: return "END_TRANSACTION";
    case code::producer_register: return "PRODUCER_REGISTER";
    case code::topic_create: return "TOPIC_CREATE";
    case code::topic_list: return "TOPIC_LIST";
    case code::topic_describe: return "TOPIC_DESCRIBE";
    case code::topic_delete: return "TOPIC_DELETE";
    case code::group_list: return "GROUP_LIST";
    case code::group_describe: return "GROUP_DESCRIBE";
    case code::group_reset: return "GROUP_RESET";
    case code::lock_queues: return "LOCK_QUEUES";
    case code::unlock_queues: return "UNLOCK_QUEUES";
    case code::message_by_id: return "MESSAGE_BY_ID";
    case code::message_by_key: return "MESSAGE_BY_KEY";
    case code::message_at: return "MESSAGE_AT";
    case code::send_reply: return "SEND_REPLY";
    case code::pop: return "POP";
    case code::ack: return "ACK";
    case code::change_invisible: return "CHANGE_INVISIBLE";
    case code::recall: return "RECALL";
    case code::group_changed: return "GROUP_CHANGED";
    case code::reply: return "REPLY";
    case code::offsets_reset: return "OFFSETS_RESET";
    case code::check_transaction: return "CHECK_TRANSACTION";
  }
  return "UNKNOWN";
}

// The spec's name ("NO_TOPIC"), or "UNKNOWN" for a value version 1 does not define.
[[nodiscard]] constexpr std::string_view name(status s) noexcept {
  switch (s) {
    case status::ok: return "OK";
    case status::malformed_frame: return "MALFORMED_FRAME";
    case status::frame_too_large: return "FRAME_TOO_LARGE";
    case status::unsupported_version: return "UNSUPPORTED_VERSION";
    case status::unknown_code: return "UNKNOWN_CODE";
    case status::malformed_request: return "MALFORMED_REQUEST";
    case status::invalid_argument: return "INVALID_ARGUMENT";
    case status::message_too_large: return "MESSAGE_TOO_LARGE";
    case status::no_topic: return "NO_TOPIC";
    case status::no_group: return "NO_GROUP";
    case status::no_queue: return "NO_QUEUE";
    case status::not_found: return "NOT_FOUND";
    case status::topic_exists: return "TOPIC_EXISTS";
    case status::no_permission: return "NO_PERMISSION";
    case status::store_full: return "STORE_FULL";
    case status::store_failed: return "STORE_FAILED";
    case status::timeout: return "TIMEOUT";
    case status::busy: return "BUSY";
    case status::shutting_down: return "SHUTTING_DOWN";
    case status::unauthenticated: return "UNAUTHENTICATED";
    case status::forbidden: return "FORBIDDEN";
    case status::tls_required: return "TLS_REQUIRED";
    case status::bad_signature: return "BAD_SIGNATURE";
    case status::signature_expired: return "SIGNATURE_EXPIRED";
    case status::replayed: return "REPLAYED";
    case status::invalid_delay: return "INVALID_DELAY";
    case status::unknown_transaction: return "UNKNOWN_TRANSACTION";
    case status::invalid_handle: return "INVALID_HANDLE";
    case status::stale_handle: return "STALE_HANDLE";
    case status::already_acked: return "ALREADY_ACKED";
    case status::transaction_resolved: return "TRANSACTION_RESOLVED";
    case status::invalid_filter: return "INVALID_FILTER";
    case status::filter_unsupported: return "FILTER_UNSUPPORTED";
    case status::internal: return "INTERNAL";
  }
  return "UNKNOWN";
}

[[nodiscard]] constexpr std::string_view name(kind k) noexcept {
  switch (k) {
    case kind::request: return "request";
    case kind::response: return "response";
    case kind::push: return "push";
  }
  return "unknown kind";
}

// Whether version 1 defines `c` (anything else is answered with UNKNOWN_CODE).
[[nodiscard]] constexpr bool known(code c) noexcept { return name(c) != "UNKNOWN"; }
[[nodiscard]] constexpr bool known(status s) noexcept { return name(s) != "UNKNOWN"; }

// Pushes travel server to client only; every other code is a request (and its response).
[[nodiscard]] constexpr bool is_push_code(code c) noexcept {
  return c == code::group_changed || c == code::reply || c == code::offsets_reset ||
         c == code::check_transaction;
}

}  // namespace berth::wire
