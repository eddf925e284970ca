// A blocking TLS client over OpenSSL's API, for tests that need what the Berth client hides:
// a chosen protocol version or cipher, a renegotiation attempt, the negotiated parameters,
// native frames on one connection that must outlive a broker reload.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace berth::test {

struct tls_probe_options {
  std::string ca_file;                // trust this CA and verify the broker; "" : no verification
  std::string cert_file, key_file;    // a client certificate
  int min_version = 0;                // TLS1_2_VERSION etc.; 0: OpenSSL's default
  int max_version = 0;
  std::string cipher_list;            // "" : OpenSSL's default; "DEFAULT@SECLEVEL=0" for TLS 1.1
  std::string alpn = "berth";
};

class tls_probe {
 public:
  // Connects to "127.0.0.1:port" (throws when it cannot).
  tls_probe(const std::string& endpoint, const tls_probe_options& options);
  ~tls_probe();
  tls_probe(const tls_probe&) = delete;
  tls_probe& operator=(const tls_probe&) = delete;

  // The whole handshake; false with error() set when it fails.
  bool handshake(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // A renegotiation (TLS 1.2); false with error() set when the broker refuses it.
  bool renegotiate(std::chrono::milliseconds timeout = std::chrono::seconds(5));

  [[nodiscard]] std::string protocol() const;      // "TLSv1.3"
  [[nodiscard]] std::string cipher() const;        // "TLS_AES_128_GCM_SHA256"
  [[nodiscard]] std::string alpn() const;          // what the broker selected
  [[nodiscard]] std::string peer_subject() const;  // "CN=...,O=..."
  [[nodiscard]] const std::string& error() const { return error_; }

  bool write(std::span<const uint8_t> bytes);
  // One whole native frame, or nullopt (closed, or nothing in time).
  std::optional<std::vector<uint8_t>> read_frame(
      std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True once the broker closed the connection (a read ends or fails).
  bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  // Drive `step` (an SSL_* call returning > 0 on success) until done, failed or timed out.
  template <class Step>
  int drive(Step step, std::chrono::milliseconds timeout);
  bool read_exactly(uint8_t* out, size_t n, std::chrono::milliseconds timeout);

  struct state;
  std::unique_ptr<state> state_;
  std::string error_;
};

}  // namespace berth::test
