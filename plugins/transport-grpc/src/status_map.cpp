#include "status_map.hpp"

namespace berth::transport_grpc {

v2::Code code_of(wire::status status) {
  using s = wire::status;
  switch (status) {
    case s::ok: return v2::OK;
    case s::malformed_frame:
    case s::malformed_request:
    case s::invalid_argument:
    case s::unknown_code:
    case s::unsupported_version: return v2::BAD_REQUEST;
    case s::frame_too_large:
    case s::message_too_large: return v2::MESSAGE_BODY_TOO_LARGE;
    case s::no_topic: return v2::TOPIC_NOT_FOUND;
    case s::no_group: return v2::CONSUMER_GROUP_NOT_FOUND;
    case s::no_queue:
    case s::not_found: return v2::NOT_FOUND;
    case s::topic_exists: return v2::BAD_REQUEST;
    case s::no_permission:
    case s::forbidden: return v2::FORBIDDEN;
    case s::unauthenticated:
    case s::bad_signature:
    case s::signature_expired:
    case s::replayed:
    case s::tls_required: return v2::UNAUTHORIZED;
    case s::store_full:
    case s::store_failed: return v2::INTERNAL_SERVER_ERROR;
    case s::timeout: return v2::PROXY_TIMEOUT;
    case s::busy: return v2::TOO_MANY_REQUESTS;
    case s::shutting_down: return v2::INTERNAL_ERROR;  // the clients retry these
    case s::invalid_delay: return v2::ILLEGAL_DELIVERY_TIME;
    case s::unknown_transaction:
    case s::transaction_resolved: return v2::INVALID_TRANSACTION_ID;
    case s::invalid_handle:
    case s::stale_handle: return v2::INVALID_RECEIPT_HANDLE;
    case s::already_acked: return v2::INVALID_RECEIPT_HANDLE;
    case s::invalid_filter:
    case s::filter_unsupported: return v2::ILLEGAL_FILTER_EXPRESSION;
    case s::internal: return v2::INTERNAL_SERVER_ERROR;
  }
  return v2::INTERNAL_SERVER_ERROR;
}

void set_status(v2::Status* out, v2::Code code, const std::string& message) {
  out->set_code(code);
  out->set_message(message);
}

void set_ok(v2::Status* out) { set_status(out, v2::OK, "OK"); }

}  // namespace berth::transport_grpc
