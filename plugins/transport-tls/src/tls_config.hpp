// transport-tls's keys: the listener's (shared with transport-tcp) and the TLS ones, read once
// at create(). The certificate, key and CA files are read by tls_context, at start and on
// every reload.
#pragma once

#include "listener_config.hpp"

#include <berth/plugin/host.hpp>

#include <string>

namespace berth::transport_tls {

// The plugin's schema: the listener's keys and the TLS ones.
const char* tls_schema();

enum class client_auth { none, request, require };

struct tls_config {
  transport_tcp::listener_config listener;  // open_timeout is handshake_timeout
  std::string certificate;  // PEM: the server's certificate, then its intermediates
  std::string private_key;  // PEM, unencrypted
  std::string ca;           // PEM bundle of the CAs that sign client certificates; may be ""
  client_auth auth = client_auth::none;
  int min_version = 0;      // TLS1_2_VERSION or TLS1_3_VERSION
  std::string ciphers;      // TLS 1.2 cipher list (OpenSSL syntax)
  std::string ciphersuites; // TLS 1.3 suites
  std::string alpn;         // the protocol id offered in ALPN; "" for none
};

// Throws plugin_error(BERTH_E_INVALID) naming the key for a value that cannot work.
tls_config read_tls_config(const sdk::host& host);

[[nodiscard]] std::string_view to_string(client_auth a);

}  // namespace berth::transport_tls
