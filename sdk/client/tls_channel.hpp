// The client's side of TLS: a context from tls_options (trusted CAs, client certificate,
// TLS 1.2 at least, verification on), the settings of each connection (SNI, the name the
// certificate must hold, ALPN) and the words for a handshake that failed.
#pragma once

#include <berth/client/error.hpp>
#include <berth/client/tls.hpp>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include <openssl/ssl.h>

#include <memory>
#include <optional>
#include <string>

namespace berth::client::internal {

using tls_context_ptr = std::shared_ptr<boost::asio::ssl::context>;

// errc::invalid_argument naming the option and the file when a file cannot be used.
result<tls_context_ptr> make_client_context(const tls_options& options);

// Before the handshake: SNI (for a DNS name), the name or address the broker's certificate
// must hold, and ALPN. `host` is the endpoint's host, used when server_name is empty.
result<void> prepare_connection(SSL* ssl, const tls_options& options, const std::string& host);

// Why the handshake with `endpoint` failed, in words that say what to change. `name` is what
// the certificate had to hold (server_name, or the endpoint's host).
std::string handshake_failure(SSL* ssl, const boost::system::error_code& ec,
                              const std::string& endpoint, const std::string& name);

// The name the broker's certificate must hold: server_name, or the endpoint's host.
[[nodiscard]] inline const std::string& expected_name(const tls_options& o,
                                                      const std::string& host) {
  return o.server_name.empty() ? host : o.server_name;
}

// A TLS alert by which the broker refused this client's certificate (or its lack of one), as
// words; nullopt for any other error. Under TLS 1.3 it arrives after the client's handshake,
// on the first read.
std::optional<std::string> client_refusal(const boost::system::error_code& ec);

}  // namespace berth::client::internal
