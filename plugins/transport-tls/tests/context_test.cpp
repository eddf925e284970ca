// The server context from real files: what loads, and what each broken file or value says.
#include "tls_config.hpp"
#include "tls_context.hpp"

#include "process.hpp"
#include "test_pki.hpp"

#include <berth/plugin/error.hpp>
#include <berth/plugin/testing/fake_host.hpp>

#include <gtest/gtest.h>

#include <openssl/ssl.h>

#include <chrono>
#include <string>

namespace berth::transport_tls::test {
namespace {

using berth::test::certificate_authority;
using berth::test::certificate_spec;
using berth::test::temp_dir;

class context_test : public ::testing::Test {
 protected:
  context_test() {
    config_.certificate = ca_.issue_server("broker-1").write(dir_.path(), "server").string();
    config_.private_key = (dir_.path() / "server.key").string();
    config_.min_version = TLS1_2_VERSION;
    config_.ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256";
    config_.ciphersuites = "TLS_AES_128_GCM_SHA256";
    config_.alpn = "berth";
  }

  // The message of the plugin_error make_server_context throws ("" if none).
  std::string refusal() {
    try {
      (void)make_server_context(config_);
    } catch (const sdk::plugin_error& e) {
      return e.what();
    }
    return {};
  }

  temp_dir dir_;
  certificate_authority ca_{"Context CA"};
  tls_config config_;
};

TEST_F(context_test, a_certificate_and_its_key_make_a_context_with_the_certificates_facts) {
  const server_context made = make_server_context(config_);
  ASSERT_NE(made.context, nullptr);
  EXPECT_EQ(made.certificate.subject, "CN=broker-1,O=Berth tests");
  EXPECT_EQ(made.certificate.issuer, "CN=Context CA,O=Berth tests");
  EXPECT_FALSE(made.certificate.expired);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now().time_since_epoch());
  EXPECT_NEAR(static_cast<double>((made.certificate.not_after - now).count()),
              30.0 * 24 * 3600, 120.0);
  SSL_CTX* ctx = made.context->native_handle();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
  EXPECT_NE(SSL_CTX_get_options(ctx) & SSL_OP_NO_RENEGOTIATION, 0u);
}

TEST_F(context_test, an_expired_certificate_loads_and_says_so) {
  certificate_spec spec;
  spec.common_name = "old";
  spec.not_before = -std::chrono::hours(48);
  spec.not_after = -std::chrono::hours(24);
  config_.certificate = ca_.issue(spec).write(dir_.path(), "old").string();
  config_.private_key = (dir_.path() / "old.key").string();
  EXPECT_TRUE(make_server_context(config_).certificate.expired);
}

TEST_F(context_test, a_missing_certificate_file_names_the_key_and_the_path) {
  config_.certificate = (dir_.path() / "nope.pem").string();
  EXPECT_EQ(refusal(), "certificate: '" + config_.certificate + "' is not a file");
}

TEST_F(context_test, a_file_without_a_certificate_is_refused_with_opensslss_reason) {
  config_.certificate = dir_.write("junk.pem", "not a certificate\n").string();
  const std::string why = refusal();
  EXPECT_NE(why.find("certificate: '" + config_.certificate + "' holds no usable PEM certificate: "),
            std::string::npos)
      << why;
}

TEST_F(context_test, the_key_of_another_certificate_is_refused) {
  (void)ca_.issue_server("other").write(dir_.path(), "other");
  config_.private_key = (dir_.path() / "other.key").string();
  const std::string why = refusal();
  EXPECT_NE(why.find("is not the key of the certificate in '" + config_.certificate + "'"),
            std::string::npos)
      << why;
}

TEST_F(context_test, an_unreadable_key_names_the_key_and_the_reason) {
  config_.private_key = dir_.path().string();  // a folder
  EXPECT_EQ(refusal(), "private_key: '" + config_.private_key + "' is not a file");
}

TEST_F(context_test, cipher_lists_that_name_nothing_are_refused) {
  config_.ciphers = "NO-SUCH-CIPHER";
  EXPECT_NE(refusal().find("ciphers: OpenSSL knows none of 'NO-SUCH-CIPHER'"), std::string::npos);
  config_.ciphers = "ECDHE-RSA-AES128-GCM-SHA256";
  config_.ciphersuites = "TLS_NOPE";
  EXPECT_NE(refusal().find("ciphersuites: OpenSSL knows none of 'TLS_NOPE'"), std::string::npos);
}

TEST_F(context_test, a_ca_file_without_certificates_is_refused) {
  config_.ca = dir_.write("ca.pem", "nothing here\n").string();
  EXPECT_NE(refusal().find("ca: '" + config_.ca + "' holds no usable PEM certificate"),
            std::string::npos);
}

// The config as the kernel hands it over (schema defaults applied), through a fake host.
class config_test : public ::testing::Test {
 protected:
  config_test() {
    fake_.set_string("listen", "127.0.0.1:0");
    fake_.set_int("threads", 1);
    fake_.set_int("max_connections", 10);
    fake_.set_size("max_frame_size", 1 << 20);
    fake_.set_size("max_pending_bytes", 1 << 20);
    fake_.set_duration("idle_timeout", std::chrono::seconds(60));
    fake_.set_duration("request_timeout", std::chrono::seconds(30));
    fake_.set_duration("handshake_timeout", std::chrono::seconds(7));
    fake_.set_string("certificate", "server.pem");
    fake_.set_string("private_key", "server.key");
    fake_.set_string("ca", "");
    fake_.set_string("client_auth", "none");
    fake_.set_string("min_version", "1.3");
    fake_.set_string("ciphers", "ECDHE-RSA-AES128-GCM-SHA256");
    fake_.set_string("ciphersuites", "TLS_AES_128_GCM_SHA256");
    fake_.set_string("alpn", "berth");
  }

  std::string refusal() {
    try {
      (void)read_tls_config(host_);
    } catch (const sdk::plugin_error& e) {
      return e.what();
    }
    return {};
  }

  sdk::testing::fake_host fake_;
  sdk::host host_{fake_.table(), fake_.context()};
};

TEST_F(config_test, reads_every_key_and_the_handshake_timeout_bounds_opening) {
  const tls_config c = read_tls_config(host_);
  EXPECT_EQ(c.listener.open_timeout, std::chrono::seconds(7));
  EXPECT_EQ(c.min_version, TLS1_3_VERSION);
  EXPECT_EQ(c.auth, client_auth::none);
  EXPECT_EQ(c.certificate, "server.pem");
  EXPECT_EQ(c.alpn, "berth");
}

TEST_F(config_test, client_certificates_need_a_ca) {
  fake_.set_string("client_auth", "require");
  EXPECT_EQ(refusal(),
            "client_auth = \"require\" needs ca: the PEM file of the CAs that sign client "
            "certificates");
  fake_.set_string("ca", "ca.pem");
  EXPECT_EQ(read_tls_config(host_).auth, client_auth::require);
}

}  // namespace
}  // namespace berth::transport_tls::test
