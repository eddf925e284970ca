#include "tls_config.hpp"

#include <openssl/ssl.h>

namespace berth::transport_tls {

// The defaults follow Mozilla's "intermediate" profile: TLS 1.2 and 1.3, forward-secret
// (ECDHE) AEAD suites only.
const char* tls_schema() {
  static const std::string schema = transport_tcp::listener_schema(R"json(
    "listen": {"type": "string", "default": "127.0.0.1:10912",
               "help": "address:port to listen on (IPv6 in brackets: \"[::1]:10912\"; port 0 picks one)"},
    "certificate": {"type": "string", "required": true,
                    "help": "PEM file: the server certificate, then any intermediates (re-read on SIGHUP)"},
    "private_key": {"type": "string", "required": true,
                    "help": "PEM file: the certificate's private key, unencrypted (re-read on SIGHUP)"},
    "ca": {"type": "string", "default": "",
           "help": "PEM file: the CAs that sign client certificates; needed when client_auth is not none (re-read on SIGHUP)"},
    "client_auth": {"type": "enum", "values": ["none", "request", "require"], "default": "none",
                    "help": "client certificates: not asked for, verified when sent, or required"},
    "min_version": {"type": "enum", "values": ["1.2", "1.3"], "default": "1.2",
                    "help": "the oldest TLS version accepted"},
    "ciphers": {"type": "string",
                "default": "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305",
                "help": "TLS 1.2 cipher suites, in OpenSSL's syntax (default: forward-secret AEAD only)"},
    "ciphersuites": {"type": "string",
                     "default": "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256",
                     "help": "TLS 1.3 cipher suites"},
    "alpn": {"type": "string", "default": "berth",
             "help": "ALPN protocol id; a client that offers only others is refused; empty: no ALPN"},
    "handshake_timeout": {"type": "duration", "default": "10s", "min": "100ms",
                          "help": "a connection whose TLS handshake is not done within this is closed"})json");
  return schema.c_str();
}

namespace {

[[noreturn]] void invalid(const std::string& message) {
  throw sdk::plugin_error(BERTH_E_INVALID, message);
}

client_auth parse_client_auth(const std::string& text) {
  if (text == "request") return client_auth::request;
  if (text == "require") return client_auth::require;
  return client_auth::none;
}

}  // namespace

std::string_view to_string(client_auth a) {
  switch (a) {
    case client_auth::request: return "request";
    case client_auth::require: return "require";
    case client_auth::none: break;
  }
  return "none";
}

tls_config read_tls_config(const sdk::host& host) {
  tls_config c;
  c.listener = transport_tcp::read_listener_config(host);
  c.listener.open_timeout = host.config_duration("handshake_timeout");
  c.certificate = host.config_string("certificate");
  c.private_key = host.config_string("private_key");
  c.ca = host.config_string("ca");
  c.auth = parse_client_auth(host.config_string("client_auth"));
  c.min_version = host.config_string("min_version") == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION;
  c.ciphers = host.config_string("ciphers");
  c.ciphersuites = host.config_string("ciphersuites");
  c.alpn = host.config_string("alpn");
  if (c.certificate.empty()) invalid("certificate: the PEM file of the server certificate is empty");
  if (c.private_key.empty()) invalid("private_key: the PEM file of the private key is empty");
  if (c.auth != client_auth::none && c.ca.empty()) {
    invalid("client_auth = \"" + std::string(to_string(c.auth)) +
            "\" needs ca: the PEM file of the CAs that sign client certificates");
  }
  if (c.alpn.size() > 255) invalid("alpn: a protocol id is at most 255 bytes");
  return c;
}

}  // namespace berth::transport_tls
