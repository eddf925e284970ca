// The client's TLS against a real berthd with transport-tls: the broker's certificate is
// verified, and each way it can fail verification is reported in words that say what to
// change; options naming files that cannot be used fail start().
#include "tls_fixture.hpp"

#include <berth/client/admin.hpp>

#include <gtest/gtest.h>

#include <csignal>
#include <string>

namespace berth::test {
namespace {

using namespace std::chrono_literals;

class client_tls_test : public tls_fixture {
 protected:
  // Listing topics over TLS to `endpoint`: "" when it works, else the error.
  static std::string list_error(const std::string& endpoint, const client::tls_options& tls) {
    client::admin_options o;
    o.endpoint = endpoint;
    o.tls = tls;
    o.request_timeout = 1500ms;
    client::admin a(o);
    if (auto ok = a.start(); !ok) return "start: " + ok.error().to_string();
    auto listed = a.list_topics();
    return listed ? std::string() : listed.error().to_string();
  }

  // Serve a certificate made from `spec` instead of the fixture's.
  void serve(const certificate_spec& spec) {
    server_cert_ = ca_.issue(spec).write(dir_.path(), "served");
    server_key_ = key_of(server_cert_);
  }
};

TEST_F(client_tls_test, a_broker_certificate_from_an_unknown_ca_is_refused) {
  start();
  client::tls_options system_cas;
  system_cas.enabled = true;  // the system's CAs do not know the test CA
  const std::string why = list_error(secure_, system_cas);
  EXPECT_NE(why.find("the broker's certificate (CN=berth-test-server,O=Berth tests, issued by "
                     "CN=Berth Test CA,O=Berth tests) is not signed by a CA this client trusts"),
            std::string::npos)
      << why;
  EXPECT_EQ(list_error(secure_, trusting()), "");
}

TEST_F(client_tls_test, a_certificate_for_another_name_is_refused) {
  start();
  client::tls_options other = trusting();
  other.server_name = "broker.example.com";
  const std::string why = list_error(secure_, other);
  EXPECT_NE(why.find("is not for 'broker.example.com': it holds DNS:localhost, IP:127.0.0.1, "
                     "IP:::1"),
            std::string::npos)
      << why;
  // By name: localhost is in the certificate.
  client::tls_options by_name = trusting();
  by_name.server_name = "localhost";
  EXPECT_EQ(list_error(secure_, by_name), "");
}

TEST_F(client_tls_test, an_address_the_certificate_does_not_hold_is_refused) {
  certificate_spec spec;
  spec.common_name = "elsewhere";
  spec.dns_names = {"elsewhere.example"};
  spec.ip_addresses = {"10.1.2.3"};
  serve(spec);
  start();
  const std::string why = list_error(secure_, trusting());
  EXPECT_NE(why.find("is not for '127.0.0.1': it holds DNS:elsewhere.example, IP:10.1.2.3"),
            std::string::npos)
      << why;
}

TEST_F(client_tls_test, an_expired_broker_certificate_is_refused_with_its_date) {
  certificate_spec spec;
  spec.common_name = "expired";
  spec.ip_addresses = {"127.0.0.1"};
  spec.not_before = -std::chrono::hours(72);
  spec.not_after = -std::chrono::hours(24);
  serve(spec);
  start();
  EXPECT_TRUE(broker_->process().wait_for_output("has expired: clients that verify it refuse", 5s))
      << log();
  const std::string why = list_error(secure_, trusting());
  EXPECT_NE(why.find("the broker's certificate (CN=expired,O=Berth tests) expired on "),
            std::string::npos)
      << why;
}

TEST_F(client_tls_test, tls_to_a_plain_tcp_port_says_the_port_does_not_speak_tls) {
  start();
  const std::string why = list_error(plain_, trusting());
  EXPECT_NE(why.find("the broker did not answer in TLS (is " + plain_ + " a plain TCP port?"),
            std::string::npos)
      << why;
}

TEST_F(client_tls_test, unusable_files_fail_start_naming_the_option) {
  client::tls_options missing = trusting();
  missing.ca_file = (dir_.path() / "nope.pem").string();
  EXPECT_EQ(list_error("127.0.0.1:1", missing),
            "start: invalid_argument: tls ca_file: '" + missing.ca_file + "' is not a file");
  client::tls_options half = trusting();
  half.cert_file = server_cert_.string();
  EXPECT_NE(list_error("127.0.0.1:1", half).find("needs both cert_file and key_file"),
            std::string::npos);
  client::tls_options mismatched = with_certificate(ca_, "app");
  mismatched.key_file = server_key_.string();
  EXPECT_NE(list_error("127.0.0.1:1", mismatched).find("is not an unencrypted PEM key of"),
            std::string::npos);
}

}  // namespace
}  // namespace berth::test
