// Certificates for TLS tests, made with OpenSSL's API: certificate authorities and the
// server and client certificates they sign, each with the names and validity window a test
// needs (an expired one, one for another host), written as PEM files.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace berth::test {

struct certificate_spec {
  std::string common_name;
  std::vector<std::string> dns_names;    // subjectAltName DNS entries
  std::vector<std::string> ip_addresses; // subjectAltName IP entries
  bool client = false;                   // extendedKeyUsage clientAuth instead of serverAuth
  // The validity window, relative to now.
  std::chrono::seconds not_before{-std::chrono::hours(1)};
  std::chrono::seconds not_after{std::chrono::hours(24 * 30)};
};

// A key pair and its certificate, as PEM text.
struct issued {
  std::string certificate_pem;
  std::string key_pem;
  // Write <name>.pem and <name>.key into `dir`; returns the certificate's path (the key's is
  // the same with .key).
  std::filesystem::path write(const std::filesystem::path& dir, const std::string& name) const;
};

class certificate_authority {
 public:
  // A self-signed CA named `common_name`.
  explicit certificate_authority(const std::string& common_name);
  ~certificate_authority();
  certificate_authority(const certificate_authority&) = delete;
  certificate_authority& operator=(const certificate_authority&) = delete;

  [[nodiscard]] issued issue(const certificate_spec& spec) const;
  // A server certificate for 127.0.0.1 and localhost.
  [[nodiscard]] issued issue_server(const std::string& common_name = "berth-test-server") const;
  [[nodiscard]] issued issue_client(const std::string& common_name) const;
  // The CA's own certificate (what clients trust).
  [[nodiscard]] const issued& self() const { return self_; }

 private:
  struct keys;
  std::unique_ptr<keys> keys_;
  issued self_;
};

}  // namespace berth::test
