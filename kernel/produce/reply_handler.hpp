// SEND_REPLY: a consumer answers a request message. The reply goes straight to the requester's
// connection as a REPLY push (found by the REPLY_TO_CLIENT property: the client id it announced
// in HELLO), with the request's CORRELATION_ID, so that the requester's waiting call returns.
//
// Replies are not stored: like RocketMQ's reply topic, they exist only to reach a requester
// that is waiting now. A requester that is gone (or never said HELLO) makes the reply
// NOT_FOUND for the replier; a reply without both properties is INVALID_ARGUMENT.
#pragma once

#include "protocol/client_directory.hpp"
#include "protocol/router.hpp"

#include <cstdint>
#include <string>

namespace berth::kernel::produce {

struct reply_settings {
  uint32_t max_message_size = 4u << 20;
  std::string broker_name;  // the reply's store host
};

// `clients` outlives the router's use.
void add_reply_handler(protocol::router& routes, protocol::client_directory& clients,
                       reply_settings settings);

}  // namespace berth::kernel::produce
