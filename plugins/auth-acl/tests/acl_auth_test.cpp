// The plugin through a fake host: who gets in (access key, allow list, signature, clock
// window), what each may do (PUB, SUB, DENY over a wildcard, defaults, admin actions), and
// accounts reloaded on SIGHUP and when the file changes, a broken file keeping the old ones.
#include "acl_auth.hpp"

#include "process.hpp"

#include <berth/plugin/testing/fake_host.hpp>
#include <berth/wire/signing.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

namespace berth::auth_acl::test {
namespace {

using namespace std::chrono_literals;
using berth::test::temp_dir;

constexpr int64_t now_ms = 1'780'000'000'000;  // the fake clock

constexpr const char* accounts_text = R"(
[[accounts]]
access_key = "producer"
secret_key = "producer-secret-0001"
topics = { "orders" = "PUB" }

[[accounts]]
access_key = "consumer"
secret_key = "consumer-secret-0001"
topics = { "orders" = "SUB" }
groups = { "billing" = "SUB" }

[[accounts]]
access_key = "everything-but"
secret_key = "everything-secret-01"
topics = { "*" = "PUB|SUB", "payroll" = "DENY" }
default_group_perm = "SUB"

[[accounts]]
access_key = "ops"
secret_key = "ops-secret-000000001"
admin = true
allow_from = ["10.0.0.0/8"]
)";

class acl_auth_test : public ::testing::Test {
 protected:
  acl_auth_test() {
    file_ = dir_.write("acl.toml", accounts_text).string();
    fake_.set_string("accounts", file_);
    fake_.set_duration("clock_window", 5min);
    fake_.set_duration("check_interval", 2s);
    fake_.set_realtime_ms(now_ms);
    acl_ = std::make_unique<acl_auth>(host_);
  }

  // Credentials for a request signed with `secret` at `when`.
  struct signed_request {
    std::string key;
    std::string peer = "10.1.1.1:5000";
    std::vector<uint8_t> prefix;
    std::vector<uint8_t> body{1, 2, 3, 4};
    crypto::mac signature{};
    int64_t when = now_ms;

    berth_credentials credentials() const {
      berth_credentials c{};
      c.struct_size = sizeof c;
      c.access_key = {key.data(), key.size()};
      c.signature = {signature.data(), signature.size()};
      c.signed_content = {prefix.data(), prefix.size()};
      c.signed_body = {body.data(), body.size()};
      c.timestamp_ms = when;
      c.peer_address = {peer.data(), peer.size()};
      return c;
    }
  };

  static signed_request sign(const std::string& key, const std::string& secret,
                             int64_t when = now_ms) {
    signed_request r;
    r.key = key;
    r.when = when;
    wire::frame_header h = wire::request_header(wire::code::send, 7, wire::flag_signed);
    const wire::auth_nonce nonce{1, 2, 3};
    const wire::signed_prefix p(h, when, nonce, key);
    r.prefix.assign(p.bytes().begin(), p.bytes().end());
    r.signature = crypto::hmac_sha256(secret).sign({r.prefix, r.body});
    return r;
  }

  // The status and message of authenticate().
  std::pair<berth_status, std::string> authenticate(const signed_request& r) {
    try {
      auto who = acl_->authenticate(r.credentials());
      return {BERTH_OK, std::string(who->name())};
    } catch (const sdk::plugin_error& e) {
      return {e.status(), e.what()};
    }
  }

  // "" when allowed, else why not.
  std::string authorize(const std::string& key, const std::string& secret, uint32_t type,
                        std::string_view resource, uint32_t action) {
    auto who = acl_->authenticate(sign(key, secret).credentials());
    try {
      acl_->authorize(*who, type, resource, action);
      return {};
    } catch (const sdk::plugin_error& e) {
      return e.what();
    }
  }

  temp_dir dir_;
  std::string file_;
  sdk::testing::fake_host fake_;
  sdk::host host_{fake_.table(), fake_.context()};
  std::unique_ptr<acl_auth> acl_;
};

TEST_F(acl_auth_test, a_genuine_signature_in_the_window_authenticates) {
  const auto [status, name] = authenticate(sign("producer", "producer-secret-0001"));
  EXPECT_EQ(status, BERTH_OK);
  EXPECT_EQ(name, "producer");
  // Either edge of the window.
  EXPECT_EQ(authenticate(sign("producer", "producer-secret-0001", now_ms - 300'000)).first, BERTH_OK);
  EXPECT_EQ(authenticate(sign("producer", "producer-secret-0001", now_ms + 300'000)).first, BERTH_OK);
}

TEST_F(acl_auth_test, each_failure_has_its_status) {
  EXPECT_EQ(authenticate(sign("", "x")),
            std::make_pair(BERTH_E_DENIED, std::string("no access key")));
  EXPECT_EQ(authenticate(sign("stranger", "whatever-secret-00")),
            std::make_pair(BERTH_E_DENIED, std::string("unknown access key 'stranger'")));
  const auto wrong = authenticate(sign("producer", "not-the-secret-0001"));
  EXPECT_EQ(wrong.first, BERTH_E_BAD_SIGNATURE);
  EXPECT_EQ(wrong.second.find("producer-secret"), std::string::npos) << "no secret in errors";
  auto tampered = sign("producer", "producer-secret-0001");
  tampered.body[0] ^= 1;
  EXPECT_EQ(authenticate(tampered).first, BERTH_E_BAD_SIGNATURE);
  const auto old = authenticate(sign("producer", "producer-secret-0001", now_ms - 300'001));
  EXPECT_EQ(old.first, BERTH_E_EXPIRED);
  EXPECT_NE(old.second.find("further apart than the clock window of 300 s"), std::string::npos)
      << old.second;
  EXPECT_EQ(authenticate(sign("producer", "producer-secret-0001", now_ms + 400'000)).first,
            BERTH_E_EXPIRED);
}

TEST_F(acl_auth_test, an_allow_list_keeps_other_addresses_out) {
  auto from_inside = sign("ops", "ops-secret-000000001");
  EXPECT_EQ(authenticate(from_inside).first, BERTH_OK);
  auto from_outside = from_inside;
  from_outside.peer = "192.0.2.1:5000";
  EXPECT_EQ(authenticate(from_outside),
            std::make_pair(BERTH_E_DENIED,
                           std::string("account 'ops' may not connect from 192.0.2.1")));
}

TEST_F(acl_auth_test, pub_only_and_sub_only) {
  EXPECT_EQ(authorize("producer", "producer-secret-0001", BERTH_RESOURCE_TOPIC, "orders",
                      BERTH_ACTION_PUB), "");
  EXPECT_EQ(authorize("producer", "producer-secret-0001", BERTH_RESOURCE_TOPIC, "orders",
                      BERTH_ACTION_SUB), "the rules grant PUB");
  EXPECT_EQ(authorize("consumer", "consumer-secret-0001", BERTH_RESOURCE_TOPIC, "orders",
                      BERTH_ACTION_SUB), "");
  EXPECT_EQ(authorize("consumer", "consumer-secret-0001", BERTH_RESOURCE_GROUP, "billing",
                      BERTH_ACTION_SUB), "");
  EXPECT_EQ(authorize("consumer", "consumer-secret-0001", BERTH_RESOURCE_TOPIC, "orders",
                      BERTH_ACTION_PUB), "the rules grant SUB");
  // Describing a topic needs either.
  EXPECT_EQ(authorize("consumer", "consumer-secret-0001", BERTH_RESOURCE_TOPIC, "orders",
                      BERTH_ACTION_GET), "");
  // Anything else is denied by default.
  EXPECT_EQ(authorize("consumer", "consumer-secret-0001", BERTH_RESOURCE_TOPIC, "audit",
                      BERTH_ACTION_SUB), "denied by default");
}

TEST_F(acl_auth_test, an_explicit_deny_wins_over_a_wildcard) {
  EXPECT_EQ(authorize("everything-but", "everything-secret-01", BERTH_RESOURCE_TOPIC, "anything",
                      BERTH_ACTION_PUB), "");
  EXPECT_EQ(authorize("everything-but", "everything-secret-01", BERTH_RESOURCE_TOPIC, "payroll",
                      BERTH_ACTION_SUB), "denied by a rule");
  // Its own default for groups.
  EXPECT_EQ(authorize("everything-but", "everything-secret-01", BERTH_RESOURCE_GROUP, "any",
                      BERTH_ACTION_SUB), "");
}

TEST_F(acl_auth_test, administration_needs_an_admin_and_listing_does_not) {
  const std::string need = "an admin account is needed (admin = true in the accounts file)";
  for (const uint32_t action : {BERTH_ACTION_CREATE, BERTH_ACTION_DELETE, BERTH_ACTION_UPDATE,
                                BERTH_ACTION_GET}) {
    EXPECT_EQ(authorize("everything-but", "everything-secret-01", BERTH_RESOURCE_CLUSTER, "t",
                        action), need);
    EXPECT_EQ(authorize("ops", "ops-secret-000000001", BERTH_RESOURCE_CLUSTER, "t", action), "");
  }
  EXPECT_EQ(authorize("consumer", "consumer-secret-0001", BERTH_RESOURCE_CLUSTER, "",
                      BERTH_ACTION_LIST), "");
}

TEST_F(acl_auth_test, sighup_reload_takes_new_accounts_and_a_broken_file_keeps_the_old) {
  dir_.write("acl.toml", std::string(accounts_text) +
                             "[[accounts]]\naccess_key = \"late\"\nsecret_key = \"late-secret-00000001\"\n");
  acl_->reload();
  EXPECT_EQ(authenticate(sign("late", "late-secret-00000001")).first, BERTH_OK);
  dir_.write("acl.toml", "[[accounts]\n");
  EXPECT_THROW(acl_->reload(), sdk::plugin_error);
  EXPECT_EQ(authenticate(sign("late", "late-secret-00000001")).first, BERTH_OK);
  EXPECT_EQ(fake_.metric("acl_reloads_failed_total"), 1);
}

TEST_F(acl_auth_test, a_changed_file_is_read_at_the_next_check) {
  EXPECT_EQ(authenticate(sign("late", "late-secret-00000001")).first, BERTH_E_DENIED);
  std::this_thread::sleep_for(20ms);  // a new modification time, whatever the file system's grain
  dir_.write("acl.toml", std::string(accounts_text) +
                             "[[accounts]]\naccess_key = \"late\"\nsecret_key = \"late-secret-00000001\"\n");
  fake_.advance(2s);
  EXPECT_EQ(fake_.run_due_tasks(), 1u);
  EXPECT_EQ(authenticate(sign("late", "late-secret-00000001")).first, BERTH_OK);
  fake_.advance(2s);
  EXPECT_EQ(fake_.run_due_tasks(), 1u) << "it keeps checking";
}

}  // namespace
}  // namespace berth::auth_acl::test
