// Which body struct a frame carries, from its header: for generic code (logging, fuzzing,
// tests) and dispatch tables. visit_body_type(h, f) calls f(std::type_identity<T>{}) with the
// body type for the frame's kind, code and status, and returns false without calling f when
// version 1 defines no body there (an unknown code or kind, a push code in a request, ...).
#pragma once

#include <berth/wire/bodies.hpp>
#include <berth/wire/frame.hpp>
#include <berth/wire/transaction_bodies.hpp>
#include <berth/wire/pop_bodies.hpp>
#include <berth/wire/retry_bodies.hpp>
#include <berth/wire/lock_bodies.hpp>

#include <type_traits>

namespace berth::wire {

template <class F>
bool visit_request_type(wire::code c, F&& f) {
  switch (c) {
    case code::hello: f(std::type_identity<hello_request>{}); return true;
    case code::heartbeat: f(std::type_identity<heartbeat_request>{}); return true;
    case code::send: f(std::type_identity<send_request>{}); return true;
    case code::send_batch: f(std::type_identity<send_batch_request>{}); return true;
    case code::pull: f(std::type_identity<pull_request>{}); return true;
    case code::commit_offset: f(std::type_identity<commit_offset_request>{}); return true;
    case code::query_offset: f(std::type_identity<query_offset_request>{}); return true;
    case code::query_assignment: f(std::type_identity<query_assignment_request>{}); return true;
    case code::topic_create: f(std::type_identity<topic_create_request>{}); return true;
    case code::topic_list: f(std::type_identity<topic_list_request>{}); return true;
    case code::topic_describe: f(std::type_identity<topic_describe_request>{}); return true;
    case code::topic_delete: f(std::type_identity<topic_delete_request>{}); return true;
    case code::group_list: f(std::type_identity<group_list_request>{}); return true;
    case code::group_describe: f(std::type_identity<group_describe_request>{}); return true;
    case code::group_reset: f(std::type_identity<group_reset_request>{}); return true;
    case code::message_by_id: f(std::type_identity<message_by_id_request>{}); return true;
    case code::message_by_key: f(std::type_identity<message_by_key_request>{}); return true;
    case code::message_at: f(std::type_identity<message_at_request>{}); return true;
    case code::send_reply: f(std::type_identity<send_reply_request>{}); return true;
    case code::end_transaction: f(std::type_identity<end_transaction_request>{}); return true;
    case code::producer_register: f(std::type_identity<producer_register_request>{}); return true;
    case code::pop: f(std::type_identity<pop_request>{}); return true;
    case code::ack: f(std::type_identity<ack_request>{}); return true;
    case code::change_invisible: f(std::type_identity<change_invisible_request>{}); return true;
    case code::recall: f(std::type_identity<recall_request>{}); return true;
    case code::send_back: f(std::type_identity<send_back_request>{}); return true;
    case code::lock_queues:
    case code::unlock_queues: f(std::type_identity<queue_lock_request>{}); return true;
    case code::group_changed:
    case code::reply:
    case code::offsets_reset:
    case code::check_transaction: break;
  }
  return false;
}

// The body of an ok response.
template <class F>
bool visit_response_type(wire::code c, F&& f) {
  switch (c) {
    case code::hello: f(std::type_identity<hello_response>{}); return true;
    case code::send: f(std::type_identity<send_response>{}); return true;
    case code::send_batch: f(std::type_identity<send_batch_response>{}); return true;
    case code::pull: f(std::type_identity<pull_response>{}); return true;
    case code::query_offset: f(std::type_identity<query_offset_response>{}); return true;
    case code::query_assignment: f(std::type_identity<query_assignment_response>{}); return true;
    case code::topic_list: f(std::type_identity<topic_list_response>{}); return true;
    case code::topic_describe: f(std::type_identity<topic_describe_response>{}); return true;
    case code::group_list: f(std::type_identity<group_list_response>{}); return true;
    case code::group_describe: f(std::type_identity<group_describe_response>{}); return true;
    case code::group_reset: f(std::type_identity<group_reset_response>{}); return true;
    case code::message_by_id: f(std::type_identity<message_by_id_response>{}); return true;
    case code::message_by_key: f(std::type_identity<message_by_key_response>{}); return true;
    case code::message_at: f(std::type_identity<message_at_response>{}); return true;
    case code::send_reply: f(std::type_identity<send_reply_response>{}); return true;
    case code::pop: f(std::type_identity<pop_response>{}); return true;
    case code::change_invisible: f(std::type_identity<change_invisible_response>{}); return true;
    case code::send_back: f(std::type_identity<send_back_response>{}); return true;
    case code::lock_queues: f(std::type_identity<queue_lock_response>{}); return true;
    case code::ack:
    case code::heartbeat:
    case code::commit_offset:
    case code::topic_create:
    case code::topic_delete:
    case code::end_transaction:
    case code::unlock_queues:
    case code::recall:
    case code::producer_register: f(std::type_identity<empty_body>{}); return true;
    case code::group_changed:
    case code::reply:
    case code::offsets_reset:
    case code::check_transaction: break;
  }
  return false;
}

template <class F>
bool visit_push_type(wire::code c, F&& f) {
  switch (c) {
    case code::group_changed: f(std::type_identity<group_changed_push>{}); return true;
    case code::reply: f(std::type_identity<reply_push>{}); return true;
    case code::offsets_reset: f(std::type_identity<offsets_reset_push>{}); return true;
    case code::check_transaction: f(std::type_identity<check_transaction_push>{}); return true;
    default: break;
  }
  return false;
}

template <class F>
bool visit_body_type(const frame_header& h, F&& f) {
  switch (h.kind) {
    case kind::request: return visit_request_type(h.code, f);
    case kind::response:
      // Error responses answer any code, unknown ones included.
      if (h.status == status::unsupported_version) {
        f(std::type_identity<unsupported_version_response>{});
        return true;
      }
      if (h.status != status::ok) {
        f(std::type_identity<error_response>{});
        return true;
      }
      return visit_response_type(h.code, f);
    case kind::push: return visit_push_type(h.code, f);
  }
  return false;
}

}  // namespace berth::wire
