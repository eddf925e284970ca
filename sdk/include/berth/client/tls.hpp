// TLS for a client's connection to a broker's transport-tls listener (docs/tls.md).
//
// The broker's certificate is always verified: against `ca_file`, or the system's trusted CAs
// when it is empty, and for `server_name` (the endpoint's host when empty: a DNS name or an IP
// address the certificate must hold). A handshake that fails says why: a CA this client does
// not trust, a certificate for another name, an expired one, a broker that wants a client
// certificate, a port that does not speak TLS.
#pragma once

#include <string>

namespace berth::client {

struct tls_options {
  bool enabled = false;
  std::string ca_file;      // PEM: the CAs to trust; empty: the system's
  std::string cert_file;    // PEM: this client's certificate, for brokers that ask (mutual TLS)
  std::string key_file;     // PEM: its private key, unencrypted
  std::string server_name;  // the name to verify and send (SNI); empty: the endpoint's host
  std::string alpn = "berth";  // the protocol id offered; empty: none
};

}  // namespace berth::client
