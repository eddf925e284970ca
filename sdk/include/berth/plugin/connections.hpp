// berth::sdk::connection_port: the kernel's entry points for client connections (ABI 1.3,
// berth_conn.h), for transports. A transport opens one kernel connection per accepted socket,
// passes it every complete frame, and reports when the socket is gone.
#pragma once

#include <berth/abi/berth_conn.h>
#include <berth/plugin/host.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace berth::sdk {

class connection_port {
 public:
  // Throws plugin_error(BERTH_E_UNSUPPORTED) when the host predates ABI 1.3.
  explicit connection_port(const host& h) : table_(h.table()), ctx_(h.context()) {
    if (!BERTH_HAS_FIELD(table_, berth_host, conn_closed)) {
      throw plugin_error(BERTH_E_UNSUPPORTED,
                         "this berthd cannot take connections from transports (ABI 1.3 needed)");
    }
  }

  struct opened {
    berth_conn* conn = nullptr;  // nullptr: refused, for `reason`
    berth_status status = BERTH_OK;
    std::string reason;
  };

  // `info` is borrowed for the call; `ops` and `conn_arg` must stay valid until closed().
  [[nodiscard]] opened open(const berth_conn_info& info, const berth_conn_ops& ops,
                            void* conn_arg) const {
    char text[512] = {};
    berth_errbuf err{text, sizeof text};
    opened result;
    result.status = table_->conn_open(ctx_, &info, &ops, conn_arg, &result.conn, &err);
    if (result.status != BERTH_OK) {
      result.conn = nullptr;
      result.reason = text;
    }
    return result;
  }

  // One complete frame, length prefix included; borrowed for the call.
  void frame(berth_conn* conn, std::span<const uint8_t> bytes) const noexcept {
    table_->conn_frame(ctx_, conn, berth_bytes{bytes.data(), bytes.size()});
  }

  // ABI 1.7: have the kernel authenticate the whole connection (berth_host.conn_authenticate).
  // BERTH_OK, or the refusal with its reason; BERTH_E_UNSUPPORTED from an older host.
  [[nodiscard]] berth_status authenticate(berth_conn* conn, const berth_credentials& credentials,
                                          std::string& reason) const {
    if (!BERTH_HAS_FIELD(table_, berth_host, conn_authenticate)) {
      reason = "this berthd cannot authenticate connections for transports (ABI 1.7 needed)";
      return BERTH_E_UNSUPPORTED;
    }
    char text[512] = {};
    berth_errbuf err{text, sizeof text};
    const berth_status status = table_->conn_authenticate(ctx_, conn, &credentials, &err);
    if (status != BERTH_OK) reason = text;
    return status;
  }

  // After this returns the kernel makes no further call for `conn`.
  void closed(berth_conn* conn) const noexcept { table_->conn_closed(ctx_, conn); }

 private:
  const berth_host* table_;
  berth_host_ctx* ctx_;
};

// berth_conn_info over strings the caller keeps alive for the call.
inline berth_conn_info connection_info(std::string_view peer, std::string_view local,
                                       uint64_t max_frame_size,
                                       std::string_view tls_subject = {}) noexcept {
  berth_conn_info info{};
  info.struct_size = sizeof info;
  info.max_frame_size = max_frame_size;
  info.peer = berth_str{peer.data(), peer.size()};
  info.local = berth_str{local.data(), local.size()};
  info.tls_subject = berth_str{tls_subject.data(), tls_subject.size()};
  return info;
}

}  // namespace berth::sdk
