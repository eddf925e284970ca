// HELLO: who the broker is, the limits a client must respect, and whether (and with which
// connection nonce) it must sign its requests.
#pragma once

#include "protocol/client_directory.hpp"
#include "protocol/router.hpp"

#include <cstdint>
#include <string>

namespace berth::kernel::protocol {

// Until produce is configurable (issue 4): RocketMQ's maxMessageSize.
inline constexpr uint32_t default_max_message_size = 4u << 20;

struct broker_identity {
  std::string name;
  std::string version;
  uint32_t max_message_size = 0;
  bool auth_required = false;  // an auth plugin is configured: requests must be signed
};

// Answers HELLO and records the client's id in `clients` (which outlives the handler).
handler hello_handler(broker_identity identity, client_directory& clients);

}  // namespace berth::kernel::protocol
