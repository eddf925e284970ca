// auth-acl in a real berthd, end to end: unsigned, wrongly signed, expired and replayed
// requests each refused with their own status; every permission case enforced on real
// clients (PUB only, SUB only, DENY over a wildcard, admin actions, an allow list); accounts
// reloaded without a restart, on a change and on SIGHUP.
#include "broker_fixture.hpp"
#include "http_client.hpp"
#include "wire_client.hpp"

#include <berth/client/admin.hpp>
#include <berth/client/producer.hpp>
#include <berth/client/pull_consumer.hpp>
#include <berth/client/push_consumer.hpp>
#include <berth/crypto/hmac_sha256.hpp>
#include <berth/wire/bodies.hpp>
#include <berth/wire/signing.hpp>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <chrono>
#include <csignal>
#include <string>
#include <thread>

namespace berth::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* accounts = R"(
[roles.reader]
groups = { "readers-*" = "SUB" }

[[accounts]]
access_key = "admin"
secret_key = "admin-secret-0000001"
admin = true
topics = { "*" = "PUB|SUB" }
groups = { "*" = "SUB" }

[[accounts]]
access_key = "producer"
secret_key = "producer-secret-0001"
topics = { "orders" = "PUB" }

[[accounts]]
access_key = "consumer"
secret_key = "consumer-secret-0001"
roles = ["reader"]
topics = { "orders" = "SUB" }

[[accounts]]
access_key = "wide"
secret_key = "wide-secret-00000001"
topics = { "*" = "PUB|SUB", "payroll" = "DENY" }

[[accounts]]
access_key = "remote"
secret_key = "remote-secret-000001"
allow_from = ["10.0.0.0/8"]
topics = { "*" = "PUB|SUB" }
)";

class acl_broker_test : public ::testing::Test {
 protected:
  void SetUp() override {
    accounts_file_ = dir_.write("acl.toml", accounts);
    std::string config = memory_broker_config(dir_, fmt::format(R"([auth]
plugin = "acl"
accounts = "{}"
check_interval = "100ms"
)",
                                                                accounts_file_.string()));
    const std::string broker_table = "[broker]\n";
    config.insert(config.find(broker_table) + broker_table.size(),
                  fmt::format("log_level = \"{}\"\n", log_level_));
    broker_ = std::make_unique<running_broker>(dir_, config);
    endpoint_ = broker_->wait_for_endpoint();
    ASSERT_FALSE(endpoint_.empty()) << broker_->process().err();
    auto made = admin_as("admin", "admin-secret-0000001").create_topic("orders", 1);
    ASSERT_TRUE(made) << made.error().to_string();
    ASSERT_TRUE(admin_as("admin", "admin-secret-0000001").create_topic("payroll", 1));
  }
  void TearDown() override {
    broker_->process().signal(SIGTERM);
    EXPECT_EQ(broker_->process().wait_exit(10s), 0) << broker_->process().err();
  }

  template <class Options>
  Options as(const std::string& key, const std::string& secret) const {
    Options o;
    o.endpoint = endpoint_;
    o.credentials = {key, secret};
    o.request_timeout = 2s;
    return o;
  }
  client::admin admin_as(const std::string& key, const std::string& secret) const {
    client::admin a(as<client::admin_options>(key, secret));
    EXPECT_TRUE(a.start());
    return a;
  }
  // "" when the send works, else its error.
  std::string send_as(const std::string& key, const std::string& secret, const std::string& topic) {
    auto o = as<client::producer_options>(key, secret);
    o.retries = 0;
    client::producer p(o);
    EXPECT_TRUE(p.start());
    auto sent = p.send(client::message(topic, "x"));
    return sent ? std::string() : sent.error().to_string();
  }
  // "" when a pull works, else its error.
  std::string pull_as(const std::string& key, const std::string& secret, const std::string& group,
                      const std::string& topic) {
    auto o = as<client::pull_consumer_options>(key, secret);
    o.group = group;
    client::pull_consumer c(o);
    EXPECT_TRUE(c.start());
    auto pulled = c.pull(topic, 0, 0, 10);
    return pulled ? std::string() : pulled.error().to_string();
  }

  // A raw signed request on `c` (whose HELLO gave `nonce`).
  static std::vector<uint8_t> signed_frame(uint64_t request_id, const std::string& key,
                                           const std::string& secret, int64_t when_ms,
                                           std::span<const uint8_t> nonce) {
    wire::frame_header h =
        wire::request_header(wire::code::topic_list, request_id, wire::flag_signed);
    const std::vector<uint8_t> body;  // TOPIC_LIST has none
    const wire::signed_prefix prefix(h, when_ms, nonce, key);
    const crypto::mac mac = crypto::hmac_sha256(secret).sign({prefix.bytes(), body});
    std::vector<uint8_t> frame;
    wire::frame_builder b(frame, h);
    wire::signature_block{key, when_ms, wire::bytes_view(std::span<const uint8_t>(mac))}.encode(
        b.body());
    (void)b.finish();
    return frame;
  }
  static wire::status status_of(const std::optional<std::vector<uint8_t>>& answer) {
    return answer ? wire::decode_header(*answer, 1u << 30).header.status : wire::status::internal;
  }
  static int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  std::string log_level_ = "info";
  temp_dir dir_;
  std::filesystem::path accounts_file_;
  std::unique_ptr<running_broker> broker_;
  std::string endpoint_;
};

TEST_F(acl_broker_test, unsigned_wrongly_signed_expired_and_replayed_requests_each_get_their_status) {
  wire_client c(endpoint_);
  wire::hello_request hello;
  hello.client_id = "raw";
  hello.client_version = "0";
  const auto greeting = c.call(wire::code::hello, hello);
  ASSERT_TRUE(greeting);
  const wire::frame_header gh = wire::decode_header(*greeting, 1u << 30).header;
  auto hello_answer = wire::decode<wire::hello_response>(wire::frame_body(*greeting, gh),
                                                         gh.code, wire::kind::response);
  ASSERT_TRUE(hello_answer);
  EXPECT_TRUE(hello_answer->auth_required);
  ASSERT_EQ(hello_answer->auth_nonce.size(), wire::auth_nonce_size);
  const std::vector<uint8_t> nonce(hello_answer->auth_nonce.begin(), hello_answer->auth_nonce.end());

  EXPECT_EQ(status_of(c.call(wire::code::topic_list, wire::empty_body{})),
            wire::status::unauthenticated);
  c.send(signed_frame(10, "admin", "not-the-secret-00001", now_ms(), nonce));
  EXPECT_EQ(status_of(c.read_frame()), wire::status::bad_signature);
  c.send(signed_frame(11, "admin", "admin-secret-0000001", now_ms() - 3'600'000, nonce));
  EXPECT_EQ(status_of(c.read_frame()), wire::status::signature_expired);
  const auto good = signed_frame(12, "admin", "admin-secret-0000001", now_ms(), nonce);
  c.send(good);
  EXPECT_EQ(status_of(c.read_frame()), wire::status::ok);
  c.send(good);  // the same bytes again
  EXPECT_EQ(status_of(c.read_frame()), wire::status::replayed);
  // On another connection the captured request does not verify: its nonce is another.
  wire_client other(endpoint_);
  ASSERT_TRUE(other.call(wire::code::hello, hello));
  other.send(good);
  EXPECT_EQ(status_of(other.read_frame()), wire::status::bad_signature);
  // The refusals were counted, and the broker serves on.
  EXPECT_TRUE(admin_as("admin", "admin-secret-0000001").list_topics());
}

TEST_F(acl_broker_test, pub_only_and_sub_only_accounts) {
  EXPECT_EQ(send_as("producer", "producer-secret-0001", "orders"), "");
  const std::string no_sub = pull_as("producer", "producer-secret-0001", "readers-1", "orders");
  EXPECT_NE(no_sub.find("FORBIDDEN"), std::string::npos) << no_sub;
  EXPECT_NE(no_sub.find("'producer' may not SUB group 'readers-1'"), std::string::npos) << no_sub;

  EXPECT_EQ(pull_as("consumer", "consumer-secret-0001", "readers-1", "orders"), "");
  const std::string no_pub = send_as("consumer", "consumer-secret-0001", "orders");
  EXPECT_NE(no_pub.find("'consumer' may not PUB topic 'orders': the rules grant SUB"),
            std::string::npos)
      << no_pub;
  // A group outside its role's prefix.
  EXPECT_NE(pull_as("consumer", "consumer-secret-0001", "others", "orders").find("FORBIDDEN"),
            std::string::npos);
}

TEST_F(acl_broker_test, a_push_consumer_without_permission_fails_to_start) {
  auto o = as<client::push_consumer_options>("producer", "producer-secret-0001");
  o.group = "readers-1";
  client::push_consumer c(o);
  ASSERT_TRUE(c.subscribe("orders", client::filter_expression::tags("*")));
  c.on_message([](const client::received_message&) { return client::consume_result::success; });
  auto started = c.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().status, wire::status::forbidden) << started.error().to_string();
}

TEST_F(acl_broker_test, an_explicit_deny_wins_over_a_wildcard) {
  EXPECT_EQ(send_as("wide", "wide-secret-00000001", "orders"), "");
  const std::string denied = send_as("wide", "wide-secret-00000001", "payroll");
  EXPECT_NE(denied.find("'wide' may not PUB topic 'payroll': denied by a rule"), std::string::npos)
      << denied;
}

TEST_F(acl_broker_test, administration_needs_an_admin) {
  auto wide = admin_as("wide", "wide-secret-00000001");
  auto created = wide.create_topic("new-topic", 1);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().status, wire::status::forbidden);
  EXPECT_NE(created.error().message.find("an admin account is needed"), std::string::npos);
  auto deleted = wide.remove_topic("orders");
  ASSERT_FALSE(deleted);
  EXPECT_EQ(deleted.error().status, wire::status::forbidden);
  auto reset = wide.reset_group("readers-1", "orders", client::reset_to::earliest);
  ASSERT_FALSE(reset);
  EXPECT_EQ(reset.error().status, wire::status::forbidden);
  EXPECT_TRUE(wide.list_topics()) << "listing is every account's";
  auto admin = admin_as("admin", "admin-secret-0000001");
  EXPECT_TRUE(admin.create_topic("new-topic", 1));
  EXPECT_TRUE(admin.remove_topic("new-topic"));
}

TEST_F(acl_broker_test, an_allow_list_keeps_loopback_out) {
  const std::string why = send_as("remote", "remote-secret-000001", "orders");
  EXPECT_NE(why.find("UNAUTHENTICATED"), std::string::npos) << why;
  EXPECT_NE(why.find("account 'remote' may not connect from 127.0.0.1"), std::string::npos) << why;
}

TEST_F(acl_broker_test, accounts_reload_on_change_and_on_sighup_without_a_restart) {
  EXPECT_NE(send_as("late", "late-secret-00000001", "orders").find("unknown access key 'late'"),
            std::string::npos);
  std::this_thread::sleep_for(20ms);  // a new modification time
  dir_.write("acl.toml", std::string(accounts) +
                             "[[accounts]]\naccess_key = \"late\"\nsecret_key = "
                             "\"late-secret-00000001\"\ntopics = { \"orders\" = \"PUB\" }\n");
  ASSERT_TRUE(broker_->process().wait_for_output("accounts reloaded from", 5s))
      << broker_->process().err();
  EXPECT_EQ(send_as("late", "late-secret-00000001", "orders"), "");
  // SIGHUP with a broken file: refused, the accounts stay.
  dir_.write("acl.toml", "[[accounts]\n");
  broker_->process().signal(SIGHUP);
  ASSERT_TRUE(broker_->process().wait_for_output("reload failed, still running on what it had", 5s))
      << broker_->process().err();
  EXPECT_EQ(send_as("late", "late-secret-00000001", "orders"), "");
  EXPECT_EQ(broker_->process().err().find("late-secret"), std::string::npos) << "no secret logged";
}

// The admin listener takes HTTP Basic credentials and needs an admin account, except for the
// probes a load balancer or orchestrator makes.
TEST_F(acl_broker_test, the_admin_listener_needs_an_admin_account) {
  const std::string admin = broker_->wait_for_admin_endpoint();
  ASSERT_FALSE(admin.empty()) << broker_->process().err();
  EXPECT_EQ(http_get(admin, "/healthz")->status, 200u);
  EXPECT_EQ(http_get(admin, "/readyz")->status, 200u);

  const auto anonymous = http_get(admin, "/api/v1/topics");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401u);
  EXPECT_EQ(anonymous->headers.at("www-authenticate"), "Basic realm=\"berth\", charset=\"UTF-8\"");
  EXPECT_EQ(http_get(admin, "/")->status, 401u);  // the browser asks for the account
  EXPECT_EQ(http_get(admin, "/metrics")->status, 401u);

  const auto wrong_secret = http_get(admin, "/metrics", "admin:not-the-secret-at-all");
  ASSERT_TRUE(wrong_secret);
  EXPECT_EQ(wrong_secret->status, 401u);
  EXPECT_NE(wrong_secret->body.find("wrong secret key for access key 'admin'"), std::string::npos)
      << wrong_secret->body;
  EXPECT_NE(http_get(admin, "/metrics", "nobody:whatever-secret-1")->body.find("unknown access key"),
            std::string::npos);

  const auto producer = http_get(admin, "/api/v1/topics", "producer:producer-secret-0001");
  ASSERT_TRUE(producer);
  EXPECT_EQ(producer->status, 403u);
  EXPECT_NE(producer->body.find("an admin account is needed"), std::string::npos) << producer->body;

  const auto allowed = http_get(admin, "/api/v1/topics", "admin:admin-secret-0000001");
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->status, 200u);
  EXPECT_NE(allowed->body.find("\"orders\""), std::string::npos);
  const auto scraped = http_get(admin, "/metrics", "admin:admin-secret-0000001");
  ASSERT_TRUE(scraped);
  EXPECT_EQ(scraped->status, 200u);
  // Each refusal above was counted like the data path's.
  EXPECT_NE(scraped->body.find("berth_auth_refusals_total{reason=\"forbidden\"} 1"),
            std::string::npos);
  EXPECT_EQ(broker_->process().err().find("not-the-secret-at-all"), std::string::npos)
      << "no secret logged";
}

// The broker at its most verbose, through every path that handles a secret: signed requests
// that pass and fail, the admin listener's Basic credentials, a reload of the accounts. No
// secret key, and no Authorization header that carries one, reaches the log.
class acl_trace_log_test : public acl_broker_test {
 protected:
  acl_trace_log_test() { log_level_ = "trace"; }
};

TEST_F(acl_trace_log_test, no_secret_reaches_the_log_even_at_trace_level) {
  EXPECT_EQ(send_as("producer", "producer-secret-0001", "orders"), "");
  EXPECT_NE(send_as("producer", "guessed-secret-00001", "orders"), "");
  EXPECT_EQ(pull_as("consumer", "consumer-secret-0001", "readers-1", "orders"), "");
  EXPECT_NE(pull_as("consumer", "guessed-secret-00002", "readers-1", "orders"), "");
  ASSERT_TRUE(admin_as("admin", "admin-secret-0000001").create_topic("audit", 1));
  const std::string admin = broker_->wait_for_admin_endpoint();
  ASSERT_FALSE(admin.empty()) << broker_->process().err();
  EXPECT_EQ(http_get(admin, "/api/v1/config", "admin:admin-secret-0000001")->status, 200u);
  EXPECT_EQ(http_get(admin, "/metrics", "admin:guessed-secret-00003")->status, 401u);
  broker_->process().signal(SIGHUP);
  ASSERT_TRUE(broker_->process().wait_for_output("accounts reloaded from", 5s))
      << broker_->process().err();

  const std::string log = broker_->process().err();
  ASSERT_NE(log.find(" debug "), std::string::npos) << "the broker logged below info";
  for (const char* secret :
       {"admin-secret-0000001", "producer-secret-0001", "consumer-secret-0001",
        "wide-secret-00000001", "remote-secret-000001", "guessed-secret-00001",
        "guessed-secret-00002", "guessed-secret-00003",
        // base64 of "admin:admin-secret-0000001" and "admin:guessed-secret-00003", as sent
        "YWRtaW46YWRtaW4tc2VjcmV0LTAwMDAwMDE=", "YWRtaW46Z3Vlc3NlZC1zZWNyZXQtMDAwMDM="}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret << " is in the log";
  }
}

TEST(acl_startup, config_acl_toml_is_valid) {
  temp_dir dir;
  const run_result r =
      run({berthd_path().string(), "--check-config", BERTH_SOURCE_DIR "/config/acl.toml"},
          dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("auth      auth-acl"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tracer    tracer-topic"), std::string::npos) << r.out;
}

TEST(acl_startup, a_broken_accounts_file_stops_the_start_even_with_disable) {
  temp_dir dir;
  dir.write("acl.toml", "[[accounts]]\naccess_key = \"x\"\n");
  const auto config = dir.write("berth.toml", fmt::format(R"([admin]
listen = "127.0.0.1:0"

[broker]
data_dir = "{0}/data"

[store]
plugin = "memory"

[auth]
plugin = "acl"
accounts = "{0}/acl.toml"
on_start_error = "disable"
)",
                                                          dir.path().string()));
  const run_result r = run({berthd_path().string(), "--config", config.string()}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("accounts[0].access_key: 'x' is not 3 to 128 letters"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace berth::test
