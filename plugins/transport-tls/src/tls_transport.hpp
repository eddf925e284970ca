// transport-tls: the native protocol over TLS 1.2/1.3, optionally with client certificates.
// One listener (shared with transport-tcp) whose connections are TLS streams. reload() (on
// SIGHUP) builds a new context from the certificate, key and CA files: new connections get
// it, open ones keep theirs, so nothing is dropped.
#pragma once

#include "listener.hpp"
#include "tls_config.hpp"
#include "tls_context.hpp"

#include <berth/plugin/transport.hpp>

#include <chrono>
#include <mutex>
#include <string>

namespace berth::transport_tls {

class tls_transport final : public sdk::transport_plugin {
 public:
  explicit tls_transport(sdk::host& host);

  void start() override { listener_.start(); }
  void stop(std::chrono::nanoseconds deadline) override { listener_.stop(deadline); }
  [[nodiscard]] std::string endpoint() const override { return listener_.endpoint(); }
  // Re-read certificate, private_key and ca; on failure keep the current ones and throw.
  void reload();

 private:
  // The context for the next accepted connection.
  [[nodiscard]] context_ptr current() const;
  void use(server_context made, const char* how);

  sdk::host& host_;
  const tls_config config_;
  sdk::metric handshake_failures_;
  sdk::metric reloads_failed_;
  sdk::metric not_after_;
  mutable std::mutex mutex_;
  context_ptr context_;
  transport_tcp::listener listener_;  // last: its connections use the members above
};

}  // namespace berth::transport_tls
