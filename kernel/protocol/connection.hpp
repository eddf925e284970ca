// One client connection as the kernel sees it: where answers go (the transport's ops), who is
// at the other end, and whether it is still there. Shared by everything that may answer later
// (a long poll, an append waiting for its sync); once the transport reports the connection
// gone, sends are dropped, never passed to the transport.
#pragma once

#include <berth/abi/berth_auth.h>
#include <berth/abi/berth_conn.h>
#include <berth/wire/signing.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace berth::kernel::protocol {

class connection {
 public:
  connection(const berth_conn_ops& ops, void* conn_arg, const berth_conn_info& info,
             std::string transport_id);
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Send one frame the connection now owns. False when the connection is gone.
  bool send(std::vector<uint8_t> frame);
  // Send one frame in parts that stay valid until release(release_arg) is called (always
  // called, also when the connection is gone).
  bool send_parts(std::span<const berth_iovec> parts, berth_release_fn release, void* release_arg);
  // Ask the transport to close the connection after what is queued.
  void close(std::string_view reason);
  // The transport says it is gone: waits for a send in progress, then no call reaches it.
  void mark_closed();
  [[nodiscard]] bool is_open() const;

  [[nodiscard]] const std::string& peer() const noexcept { return peer_; }
  [[nodiscard]] const std::string& local() const noexcept { return local_; }
  [[nodiscard]] const std::string& transport_id() const noexcept { return transport_id_; }
  [[nodiscard]] uint64_t max_frame_size() const noexcept { return max_frame_size_; }
  // The id the client announced in HELLO ("" before): where replies and pushes for it go.
  void set_client_id(std::string id);
  [[nodiscard]] std::string client_id() const;
  // The account the auth plugin last authenticated on this connection ("" without auth), for
  // traces.
  void set_principal(std::string_view name);
  [[nodiscard]] std::string principal() const;
  // The identity its transport authenticated the whole connection as (ABI 1.7,
  // conn_authenticate); null before and for connections whose requests sign themselves.
  void set_transport_identity(std::shared_ptr<const berth_identity> identity);
  [[nodiscard]] std::shared_ptr<const berth_identity> transport_identity() const;
  // The verified client certificate's subject (transport-tls with client_auth); "" otherwise.
  [[nodiscard]] const std::string& tls_subject() const noexcept { return tls_subject_; }

  // Signed requests (docs/protocol.md): the random nonce every signature on this connection
  // covers (HELLO tells the client), and the request ids signatures used, which must grow, so
  // that a signed request cannot be replayed on its connection (nor elsewhere: other nonce).
  [[nodiscard]] const wire::auth_nonce& auth_nonce() const noexcept { return auth_nonce_; }
  // True, and remembered, when `id` is above every signed request id admitted before.
  bool admit_signed_id(uint64_t id);

 private:
  mutable std::mutex mutex_;  // held across ops_ calls, so that mark_closed() waits for them
  bool open_ = true;
  berth_conn_ops ops_{};
  void* conn_arg_;
  std::string peer_;
  std::string local_;
  std::string transport_id_;
  uint64_t max_frame_size_ = 0;
  mutable std::mutex client_id_mutex_;
  std::string client_id_;
  std::string principal_;  // under client_id_mutex_
  std::shared_ptr<const berth_identity> transport_identity_;  // under client_id_mutex_
  std::string tls_subject_;
  wire::auth_nonce auth_nonce_{};
  std::atomic<uint64_t> last_signed_id_{0};
};

using connection_ptr = std::shared_ptr<connection>;

}  // namespace berth::kernel::protocol

// The handle a transport holds (opaque to it).
struct berth_conn {
  berth::kernel::protocol::connection_ptr connection;
};
