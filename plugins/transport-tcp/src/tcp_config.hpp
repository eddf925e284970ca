// transport-tcp's keys, read once at create(): where to listen and the limits that protect the
// broker from any one client.
#pragma once

#include <berth/plugin/host.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace berth::transport_tcp {

extern const char* const tcp_schema;

struct tcp_config {
  std::string listen_host;  // an IPv4 or IPv6 address
  uint16_t listen_port = 0; // 0: the system picks one (see endpoint())
  unsigned threads = 2;
  uint64_t max_connections = 1024;
  uint64_t max_frame_size = 16 << 20;     // length prefix included
  uint64_t max_pending_bytes = 16 << 20;  // per connection, unsent answers before reads pause
  std::chrono::nanoseconds idle_timeout{std::chrono::seconds(120)};
  // From a frame's length to its last byte: a client that stalls mid-frame is cut off.
  std::chrono::nanoseconds request_timeout{std::chrono::seconds(30)};
};

// Throws plugin_error(BERTH_E_INVALID, "listen: ...") for an address that does not parse.
tcp_config read_tcp_config(const sdk::host& host);

}  // namespace berth::transport_tcp
