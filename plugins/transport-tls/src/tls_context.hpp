// The server's TLS context, built from the config and the files it names: certificate chain,
// private key, client CAs, versions, suites, ALPN, renegotiation off. A new one is built on
// every reload; connections keep the one they were accepted with.
#pragma once

#include "tls_config.hpp"

#include <boost/asio/ssl/context.hpp>

#include <openssl/x509.h>

#include <chrono>
#include <memory>
#include <string>

namespace berth::transport_tls {

using context_ptr = std::shared_ptr<boost::asio::ssl::context>;

// What the loaded certificate says, for the log and the expiry gauge.
struct certificate_facts {
  std::string subject;
  std::string issuer;
  std::chrono::seconds not_after{0};  // Unix time
  bool expired = false;
};

struct server_context {
  context_ptr context;
  certificate_facts certificate;
};

// Throws plugin_error(BERTH_E_INVALID or BERTH_E_IO) naming the key, the file and OpenSSL's
// reason when a file cannot be read or the values do not fit together. `config` must outlive
// the context (its ALPN id is used by reference).
server_context make_server_context(const tls_config& config);

// A distinguished name as RFC 2253 text: "CN=app,O=Acme".
std::string certificate_name(const X509_NAME* name);

// The next error on OpenSSL's queue as text, clearing the queue; `fallback` when it is empty.
std::string take_openssl_error(const std::string& fallback = "no reason given");

}  // namespace berth::transport_tls
