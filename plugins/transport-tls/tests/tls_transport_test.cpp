// transport-tls in a real berthd, beside transport-tcp: round trips with the Berth client,
// handshakes checked with `openssl s_client` and a bare OpenSSL client, refusals (plaintext,
// TLS 1.1, client certificates, garbage, stalls, renegotiation) that leave the broker serving
// everyone else, and certificates reloaded on SIGHUP without dropping connections.
#include "tls_fixture.hpp"
#include "tls_probe.hpp"
#include "wire_client.hpp"

#include <berth/client/admin.hpp>
#include <berth/client/producer.hpp>
#include <berth/client/pull_consumer.hpp>
#include <berth/wire/bodies.hpp>

#include <gtest/gtest.h>

#include <openssl/ssl.h>

#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

namespace berth::test {
namespace {

using namespace std::chrono_literals;

std::vector<uint8_t> hello_frame(uint64_t id) {
  wire::hello_request h;
  h.client_id = "tls-probe";
  h.client_version = "0";
  return request_frame(wire::code::hello, id, h);
}

// HELLO over `probe` is answered OK.
void expect_hello_served(tls_probe& probe, uint64_t id = 1) {
  ASSERT_TRUE(probe.write(hello_frame(id))) << probe.error();
  const auto answer = probe.read_frame();
  ASSERT_TRUE(answer) << "no answer to HELLO: " << probe.error();
  const wire::header_result h = wire::decode_header(*answer, 1u << 30);
  EXPECT_EQ(h.header.status, wire::status::ok);
  EXPECT_EQ(h.header.request_id, id);
}

class tls_transport_test : public tls_fixture {
 protected:
  tls_probe_options probe_options() const {
    tls_probe_options o;
    o.ca_file = ca_file_.string();
    return o;
  }

  // A TLS client that trusts the CA and completes its handshake.
  std::unique_ptr<tls_probe> connected_probe() const {
    auto probe = std::make_unique<tls_probe>(secure_, probe_options());
    EXPECT_TRUE(probe->handshake()) << probe->error();
    return probe;
  }

  template <class Options>
  Options options_for(const std::string& endpoint, const client::tls_options& tls) const {
    Options o;
    o.endpoint = endpoint;
    o.tls = tls;
    return o;
  }

  // Send `count` messages to `topic` (one queue) over `endpoint`.
  void send_messages(const std::string& endpoint, const client::tls_options& tls,
                     const std::string& topic, int count) {
    client::producer p(options_for<client::producer_options>(endpoint, tls));
    ASSERT_TRUE(p.start());
    for (int i = 0; i < count; ++i) {
      auto sent = p.send(client::message(topic, topic + "-" + std::to_string(i)));
      ASSERT_TRUE(sent) << sent.error().to_string();
    }
  }

  // The bodies on queue 0 of `topic`, read over `endpoint`.
  std::vector<std::string> read_messages(const std::string& endpoint,
                                         const client::tls_options& tls,
                                         const std::string& topic) {
    auto o = options_for<client::pull_consumer_options>(endpoint, tls);
    o.group = "reader";
    client::pull_consumer c(o);
    EXPECT_TRUE(c.start());
    auto pulled = c.pull(topic, 0, 0, 100, 1s);
    EXPECT_TRUE(pulled) << pulled.error().to_string();
    std::vector<std::string> bodies;
    if (pulled) {
      for (const auto& m : pulled.value().messages) bodies.push_back(m.body);
    }
    return bodies;
  }

  void create_topic(const std::string& topic) {
    client::admin a(options_for<client::admin_options>(secure_, trusting()));
    ASSERT_TRUE(a.start());
    auto made = a.create_topic(topic, 1);
    ASSERT_TRUE(made) << made.error().to_string();
  }

  // The error a client with `tls` meets on its first request to the TLS port.
  std::string first_request_error(const client::tls_options& tls) {
    auto o = options_for<client::admin_options>(secure_, tls);
    o.request_timeout = 1500ms;
    client::admin a(o);
    EXPECT_TRUE(a.start());
    auto listed = a.list_topics();
    return listed ? std::string() : listed.error().to_string();
  }

  // `openssl s_client` against the TLS port with `args`: its stdout and stderr.
  std::string s_client(std::vector<std::string> args) {
    std::vector<std::string> argv{"/usr/bin/openssl", "s_client", "-connect", secure_,
                                  "-CAfile", ca_file_.string(), "-verify_return_error",
                                  "-alpn", "berth", "-brief"};
    argv.insert(argv.end(), args.begin(), args.end());
    const run_result r = run(argv, dir_.path(), 10s);
    return r.out + r.err;
  }
};

TEST_F(tls_transport_test, messages_make_a_round_trip_over_tls) {
  start();
  create_topic("orders");
  send_messages(secure_, trusting(), "orders", 20);
  const auto bodies = read_messages(secure_, trusting(), "orders");
  ASSERT_EQ(bodies.size(), 20u);
  EXPECT_EQ(bodies.front(), "orders-0");
  EXPECT_EQ(bodies.back(), "orders-19");
}

TEST_F(tls_transport_test, tcp_and_tls_serve_the_same_broker_side_by_side) {
  start();
  create_topic("mixed");
  send_messages(plain_, {}, "mixed", 3);
  send_messages(secure_, trusting(), "mixed", 2);
  const auto over_tls = read_messages(secure_, trusting(), "mixed");
  const auto over_tcp = read_messages(plain_, {}, "mixed");
  EXPECT_EQ(over_tls, (std::vector<std::string>{"mixed-0", "mixed-1", "mixed-2", "mixed-0",
                                                "mixed-1"}));
  EXPECT_EQ(over_tcp, over_tls);
}

TEST_F(tls_transport_test, s_client_negotiates_tls_13_with_the_default_suite_and_alpn) {
  start();
  const std::string out = s_client({});
  EXPECT_NE(out.find("Protocol version: TLSv1.3"), std::string::npos) << out;
  EXPECT_NE(out.find("Ciphersuite: TLS_AES_128_GCM_SHA256"), std::string::npos) << out;
  EXPECT_NE(out.find("Verification: OK"), std::string::npos) << out;
  auto probe = connected_probe();
  EXPECT_EQ(probe->alpn(), "berth");
}

TEST_F(tls_transport_test, s_client_gets_tls_12_with_a_forward_secret_aead_suite) {
  start();
  const std::string out = s_client({"-tls1_2"});
  EXPECT_NE(out.find("Protocol version: TLSv1.2"), std::string::npos) << out;
  EXPECT_NE(out.find("Ciphersuite: ECDHE-ECDSA-AES128-GCM-SHA256"), std::string::npos) << out;
  // A suite without AEAD is not among the defaults.
  tls_probe_options o = probe_options();
  o.max_version = TLS1_2_VERSION;
  o.cipher_list = "ECDHE-ECDSA-AES128-SHA256";
  tls_probe cbc(secure_, o);
  EXPECT_FALSE(cbc.handshake());
  EXPECT_NE(cbc.error().find("handshake failure"), std::string::npos) << cbc.error();
  EXPECT_TRUE(broker_->process().wait_for_output("no shared cipher", 5s)) << log();
}

TEST_F(tls_transport_test, a_plaintext_client_is_told_tls_is_required_and_others_are_served) {
  start();
  const std::string why = first_request_error({});
  EXPECT_NE(why.find("TLS_REQUIRED"), std::string::npos) << why;
  EXPECT_NE(why.find("this port speaks TLS"), std::string::npos) << why;
  EXPECT_TRUE(broker_->process().wait_for_output("a plaintext client on the TLS port", 5s));
  auto probe = connected_probe();
  expect_hello_served(*probe);
}

TEST_F(tls_transport_test, tls_11_is_refused) {
  start();
  tls_probe_options o = probe_options();
  o.min_version = TLS1_1_VERSION;
  o.max_version = TLS1_1_VERSION;
  o.cipher_list = "DEFAULT@SECLEVEL=0";  // lets this client offer TLS 1.1 at all
  tls_probe old(secure_, o);
  EXPECT_FALSE(old.handshake());
  EXPECT_NE(old.error().find("protocol version"), std::string::npos) << old.error();
  EXPECT_TRUE(broker_->process().wait_for_output("unsupported protocol", 5s)) << log();
  expect_hello_served(*connected_probe());
}

TEST_F(tls_transport_test, min_version_13_refuses_tls_12) {
  tls_settings s;
  s.min_version = "1.3";
  start(s);
  tls_probe_options o = probe_options();
  o.max_version = TLS1_2_VERSION;
  tls_probe old(secure_, o);
  EXPECT_FALSE(old.handshake());
  EXPECT_NE(old.error().find("protocol version"), std::string::npos) << old.error();
  auto probe = connected_probe();
  EXPECT_EQ(probe->protocol(), "TLSv1.3");
}

TEST_F(tls_transport_test, required_client_certificates_admit_only_those_of_the_ca) {
  tls_settings s;
  s.client_auth = "require";
  s.with_ca = true;
  start(s);
  // Signed by the CA: served, and the broker knows who it is.
  send_messages(secure_, with_certificate(ca_, "app-1"), "audited", 1);
  EXPECT_TRUE(broker_->process().wait_for_output("(client certificate CN=app-1,O=Berth tests)", 5s))
      << log();
  // No certificate.
  const std::string none = first_request_error(trusting());
  EXPECT_NE(none.find("the broker refused this client's certificate"), std::string::npos) << none;
  EXPECT_TRUE(broker_->process().wait_for_output("peer did not return a certificate", 5s)) << log();
  // Signed by another CA.
  certificate_authority stranger("Another CA");
  const std::string foreign = first_request_error(with_certificate(stranger, "intruder"));
  EXPECT_NE(foreign.find("the broker refused this client's certificate"), std::string::npos)
      << foreign;
  EXPECT_TRUE(broker_->process().wait_for_output(
      "(client certificate: unable to get local issuer certificate)", 5s))
      << log();
}

TEST_F(tls_transport_test, requested_client_certificates_are_optional_but_verified) {
  tls_settings s;
  s.client_auth = "request";
  s.with_ca = true;
  start(s);
  send_messages(secure_, trusting(), "open", 1);
  send_messages(secure_, with_certificate(ca_, "app-2"), "open", 1);
  certificate_authority stranger("Another CA");
  const std::string foreign = first_request_error(with_certificate(stranger, "intruder"));
  EXPECT_NE(foreign.find("the broker refused this client's certificate"), std::string::npos)
      << foreign;
}

TEST_F(tls_transport_test, sighup_serves_a_new_certificate_and_keeps_open_connections) {
  start();
  auto before = connected_probe();
  expect_hello_served(*before, 1);
  EXPECT_NE(before->peer_subject().find("CN=berth-test-server"), std::string::npos);

  (void)ca_.issue_server("berth-test-server-2").write(dir_.path(), "next");
  std::filesystem::rename(dir_.path() / "next.pem", server_cert_);
  std::filesystem::rename(dir_.path() / "next.key", server_key_);
  broker_->process().signal(SIGHUP);
  ASSERT_TRUE(broker_->process().wait_for_output(
      "certificate reloaded from " + server_cert_.string() +
          ": subject CN=berth-test-server-2,O=Berth tests",
      5s))
      << log();

  auto after = connected_probe();
  EXPECT_NE(after->peer_subject().find("CN=berth-test-server-2"), std::string::npos)
      << after->peer_subject();
  expect_hello_served(*after, 1);
  expect_hello_served(*before, 2);  // the connection from before the reload goes on

  // A broken file on the next reload: the broker keeps the certificate it has.
  dir_.write(server_cert_.filename().string(), "garbage\n");
  broker_->process().signal(SIGHUP);
  ASSERT_TRUE(broker_->process().wait_for_output("reload failed, still running on what it had", 5s))
      << log();
  auto still = connected_probe();
  EXPECT_NE(still->peer_subject().find("CN=berth-test-server-2"), std::string::npos);
}

TEST_F(tls_transport_test, garbage_during_the_handshake_closes_only_that_connection) {
  start();
  auto bystander = connected_probe();
  wire_client garbage(secure_);
  garbage.send(std::string("\x16\x03\x01\x00\x40", 5) + std::string(64, '\x7f'));
  EXPECT_TRUE(garbage.closed_by_peer());
  wire_client http(secure_);
  http.send("GET / HTTP/1.1\r\nHost: broker\r\n\r\n");
  EXPECT_TRUE(http.closed_by_peer());
  EXPECT_TRUE(broker_->process().wait_for_output("TLS handshake failed", 5s)) << log();
  expect_hello_served(*bystander);
  expect_hello_served(*connected_probe());
}

TEST_F(tls_transport_test, a_handshake_that_stalls_is_cut_at_handshake_timeout) {
  tls_settings s;
  s.handshake_timeout = "300ms";
  start(s);
  wire_client silent(secure_);
  wire_client stalled(secure_);
  stalled.send(std::string("\x16\x03\x01", 3));  // the start of a record, then nothing
  const auto began = std::chrono::steady_clock::now();
  EXPECT_TRUE(stalled.closed_by_peer(5s));
  EXPECT_TRUE(silent.closed_by_peer(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - began, 3s);
  EXPECT_TRUE(broker_->process().wait_for_output(
      "the TLS handshake did not complete within 300 ms", 5s))
      << log();
  expect_hello_served(*connected_probe());
}

TEST_F(tls_transport_test, renegotiation_is_refused_and_the_broker_goes_on) {
  start();
  tls_probe_options o = probe_options();
  o.max_version = TLS1_2_VERSION;  // TLS 1.3 has no renegotiation at all
  tls_probe probe(secure_, o);
  ASSERT_TRUE(probe.handshake()) << probe.error();
  EXPECT_FALSE(probe.renegotiate());
  EXPECT_NE(probe.error().find("no renegotiation"), std::string::npos) << probe.error();
  expect_hello_served(*connected_probe());
}

TEST(tls_example_config, config_tls_toml_is_valid) {
  temp_dir dir;
  const run_result r =
      run({berthd_path().string(), "--check-config", BERTH_SOURCE_DIR "/config/tls.toml"},
          dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("transport public                   plugin=tls"), std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace berth::test
