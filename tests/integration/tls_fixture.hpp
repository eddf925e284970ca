// A real berthd with transport-tls (and transport-tcp beside it) on loopback, certificates made
// by the test's own CA, and the client options that reach it. For the TLS plugin's tests, the
// client's and berthctl's.
#pragma once

#include "broker_fixture.hpp"
#include "test_pki.hpp"

#include <berth/client/tls.hpp>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <csignal>
#include <filesystem>
#include <memory>
#include <string>

namespace berth::test {

struct tls_settings {
  std::string client_auth = "none";
  bool with_ca = false;  // ca = the test CA (for client certificates)
  std::string min_version = "1.2";
  std::string handshake_timeout = "10s";
  std::string extra_keys;  // more lines of the tls table
};

class tls_fixture : public ::testing::Test {
 protected:
  tls_fixture() {
    ca_file_ = ca_.self().write(dir_.path(), "ca");
    server_cert_ = ca_.issue_server().write(dir_.path(), "server");
    server_key_ = key_of(server_cert_);
  }

  static std::filesystem::path key_of(const std::filesystem::path& cert) {
    return std::filesystem::path(cert).replace_extension(".key");
  }

  std::string config(const tls_settings& s) const {
    return fmt::format(R"([admin]
listen = "127.0.0.1:0"

[broker]
name = "berth-tls-test"
data_dir = "{dir}/data"
shutdown_timeout = "3s"

[store]
plugin = "memory"

[[transport]]
id = "plain"
plugin = "tcp"
listen = "127.0.0.1:0"

[[transport]]
id = "secure"
plugin = "tls"
log_level = "debug"
listen = "127.0.0.1:0"
certificate = "{cert}"
private_key = "{key}"
client_auth = "{auth}"
min_version = "{min}"
handshake_timeout = "{timeout}"
{ca}{extra}
)",
                       fmt::arg("dir", dir_.path().string()),
                       fmt::arg("cert", server_cert_.string()),
                       fmt::arg("key", server_key_.string()), fmt::arg("auth", s.client_auth),
                       fmt::arg("min", s.min_version), fmt::arg("timeout", s.handshake_timeout),
                       fmt::arg("ca", s.with_ca ? "ca = \"" + ca_file_.string() + "\"\n" : ""),
                       fmt::arg("extra", s.extra_keys));
  }

  // Start berthd; sets plain_ and secure_ to the endpoints of its two transports.
  void start(const tls_settings& s = {}) {
    broker_ = std::make_unique<running_broker>(dir_, config(s));
    plain_ = broker_->wait_for_endpoint_of("plain");
    secure_ = broker_->wait_for_endpoint_of("secure");
    ASSERT_FALSE(plain_.empty()) << broker_->process().err();
    ASSERT_FALSE(secure_.empty()) << broker_->process().err();
  }

  // Client options that trust the test CA.
  client::tls_options trusting() const {
    client::tls_options t;
    t.enabled = true;
    t.ca_file = ca_file_.string();
    return t;
  }

  // A client certificate from `ca`, written as <name>.pem / <name>.key.
  client::tls_options with_certificate(const certificate_authority& ca,
                                       const std::string& name) const {
    client::tls_options t = trusting();
    t.cert_file = ca.issue_client(name).write(dir_.path(), name).string();
    t.key_file = key_of(t.cert_file).string();
    return t;
  }

  std::string log() const { return broker_->process().err(); }

  // A started broker must stop cleanly.
  void TearDown() override {
    if (!broker_) return;
    broker_->process().signal(SIGTERM);
    EXPECT_EQ(broker_->process().wait_exit(std::chrono::seconds(10)), 0) << log();
  }

  temp_dir dir_;
  certificate_authority ca_{"Berth Test CA"};
  std::filesystem::path ca_file_;
  std::filesystem::path server_cert_;
  std::filesystem::path server_key_;
  std::unique_ptr<running_broker> broker_;
  std::string plain_;
  std::string secure_;
};

}  // namespace berth::test
