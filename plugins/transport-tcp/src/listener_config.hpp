// The keys every native-protocol listener shares (transport-tcp, and transport-tls on top of
// it): where to listen and the limits that protect the broker from any one client. Read once
// at create().
#pragma once

#include <berth/plugin/host.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace berth::transport_tcp {

// The schema's entries for these keys, to splice into a plugin's "keys" object after its own
// (each plugin has its own `listen` default, so `listen` is not among them).
extern const char* const listener_schema_keys;

// A whole schema: {"keys": {<own_keys>, <listener_schema_keys>}}.
std::string listener_schema(std::string_view own_keys);

// transport-tcp's schema.
const char* tcp_schema();

struct listener_config {
  std::string listen_text;  // as configured, for messages
  std::string listen_host;  // an IPv4 or IPv6 address
  uint16_t listen_port = 0; // 0: the system picks one (see endpoint())
  unsigned threads = 2;
  uint64_t max_connections = 1024;
  uint64_t max_frame_size = 16 << 20;     // length prefix included
  uint64_t max_pending_bytes = 16 << 20;  // per connection, unsent answers before reads pause
  std::chrono::nanoseconds idle_timeout{std::chrono::seconds(120)};
  // From a frame's length to its last byte: a client that stalls mid-frame is cut off.
  std::chrono::nanoseconds request_timeout{std::chrono::seconds(30)};
  // From accept to a connection ready for frames (the TLS handshake); 0: nothing to wait for.
  std::chrono::nanoseconds open_timeout{0};
};

// Throws plugin_error(BERTH_E_INVALID, "listen: ...") for an address that does not parse.
listener_config read_listener_config(const sdk::host& host);

}  // namespace berth::transport_tcp
