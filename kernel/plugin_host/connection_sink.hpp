// Where the host table sends a transport's connections (ABI 1.3, berth_conn.h): the kernel's
// protocol layer implements it; a broker without one refuses connections.
#pragma once

#include <berth/abi/berth_auth.h>
#include <berth/abi/berth_conn.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace berth::kernel::plugin_host {

class connection_sink {
 public:
  virtual ~connection_sink() = default;
  // BERTH_OK with *out set, or a refusal with its reason.
  virtual berth_status open(std::string_view transport_id, const berth_conn_info& info,
                            const berth_conn_ops& ops, void* conn_arg, berth_conn** out,
                            std::string& reason) noexcept = 0;
  virtual void frame(berth_conn* conn, std::span<const uint8_t> bytes) noexcept = 0;
  virtual void closed(berth_conn* conn) noexcept = 0;
  // ABI 1.7: authenticate a whole connection with credentials the transport checked the form
  // of; BERTH_OK, or a refusal with its reason.
  virtual berth_status authenticate(berth_conn* conn, const berth_credentials& credentials,
                                    std::string& reason) noexcept = 0;
};

}  // namespace berth::kernel::plugin_host
