// What each request code needs, from real encoded bodies.
#include "auth/access.hpp"

#include <berth/wire/body_types.hpp>
#include <berth/wire/writer.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace berth::kernel::auth::test {
namespace {

template <class Body>
std::vector<uint8_t> encoded(const Body& body) {
  std::vector<uint8_t> out;
  wire::writer w(out);
  body.encode(w);
  return out;
}

// A check that owns its resource name (checks_of's views point into the encoded body).
struct owned_check {
  uint32_t resource_type;
  std::string resource;
  uint32_t action;
  bool operator==(const owned_check&) const = default;
};

template <class Body>
std::vector<owned_check> checks(wire::code c, const Body& body) {
  const auto bytes = encoded(body);
  auto r = checks_of(c, bytes);
  EXPECT_TRUE(r) << r.error().message;
  std::vector<owned_check> out;
  if (r) {
    for (const access_check& a : r.value()) {
      out.push_back({a.resource_type, std::string(a.resource), a.action});
    }
  }
  return out;
}

constexpr uint32_t topic = BERTH_RESOURCE_TOPIC;
constexpr uint32_t group = BERTH_RESOURCE_GROUP;
constexpr uint32_t cluster = BERTH_RESOURCE_CLUSTER;

TEST(access, sending_needs_pub_on_each_topic_once) {
  wire::message m;
  m.topic = "orders";
  EXPECT_EQ(checks(wire::code::send, m),
            (std::vector<owned_check>{{topic, "orders", BERTH_ACTION_PUB}}));
  wire::send_batch_request batch;
  batch.messages = {m, m};
  batch.messages[1].topic = "audit";
  batch.messages.push_back(m);
  EXPECT_EQ(checks(wire::code::send_batch, batch),
            (std::vector<owned_check>{{topic, "orders", BERTH_ACTION_PUB},
                                       {topic, "audit", BERTH_ACTION_PUB}}));
}

TEST(access, consuming_needs_sub_on_group_and_topic) {
  wire::pull_request pull;
  pull.group = "billing";
  pull.topic = "orders";
  EXPECT_EQ(checks(wire::code::pull, pull),
            (std::vector<owned_check>{{group, "billing", BERTH_ACTION_SUB},
                                       {topic, "orders", BERTH_ACTION_SUB}}));
  wire::heartbeat_request hb;
  hb.client_id = "c";
  wire::subscription orders;
  orders.group = "billing";
  orders.topic = "orders";
  wire::subscription retries = orders;
  retries.topic = "%RETRY%billing";
  hb.subscriptions = {orders, retries};
  EXPECT_EQ(checks(wire::code::heartbeat, hb),
            (std::vector<owned_check>{{group, "billing", BERTH_ACTION_SUB},
                                       {topic, "orders", BERTH_ACTION_SUB}}))
      << "a retry topic is its group's";
}

TEST(access, a_dead_letter_topic_is_its_groups) {
  wire::message_at_request at;
  at.topic = "%DLQ%billing";
  EXPECT_EQ(checks(wire::code::message_at, at),
            (std::vector<owned_check>{{group, "billing", BERTH_ACTION_SUB}}));
}

TEST(access, administration_needs_cluster_actions) {
  wire::topic_create_request create;
  create.topic = "new";
  EXPECT_EQ(checks(wire::code::topic_create, create),
            (std::vector<owned_check>{{cluster, "new", BERTH_ACTION_CREATE}}));
  wire::topic_request t;
  t.topic = "old";
  EXPECT_EQ(checks(wire::code::topic_delete, t),
            (std::vector<owned_check>{{cluster, "old", BERTH_ACTION_DELETE}}));
  EXPECT_EQ(checks(wire::code::topic_describe, t),
            (std::vector<owned_check>{{topic, "old", BERTH_ACTION_GET}}));
  wire::group_reset_request reset;
  reset.group = "billing";
  reset.topic = "orders";
  EXPECT_EQ(checks(wire::code::group_reset, reset),
            (std::vector<owned_check>{{cluster, "billing", BERTH_ACTION_UPDATE}}));
  EXPECT_EQ(checks(wire::code::topic_list, wire::empty_body{}),
            (std::vector<owned_check>{{cluster, "", BERTH_ACTION_LIST}}));
  wire::message_by_id_request by_id;
  by_id.message_id = "ABC";
  EXPECT_EQ(checks(wire::code::message_by_id, by_id),
            (std::vector<owned_check>{{cluster, "ABC", BERTH_ACTION_GET}}));
}

TEST(access, transactions_need_pub_on_the_producer_group) {
  wire::producer_register_request r;
  r.client_id = "c";
  r.producer_group = "tx";
  EXPECT_EQ(checks(wire::code::producer_register, r),
            (std::vector<owned_check>{{group, "tx", BERTH_ACTION_PUB}}));
}

TEST(access, recalling_a_message_needs_pub_on_its_topic) {
  wire::recall_request r;
  r.topic = "orders";
  r.timer_offset = 3;
  r.message_id = "M";
  EXPECT_EQ(checks(wire::code::recall, r),
            (std::vector<owned_check>{{topic, "orders", BERTH_ACTION_PUB}}));
}

TEST(access, every_request_code_has_a_rule) {
  for (const wire::code c : wire::all_codes) {
    (void)wire::visit_request_type(c, [&](auto type) {
      using T = typename decltype(type)::type;
      const auto bytes = encoded(T{});
      auto r = checks_of(c, bytes);
      EXPECT_TRUE(r || r.error().status == wire::status::malformed_request) << wire::name(c);
    });
  }
}

TEST(access, a_body_that_does_not_decode_names_the_field) {
  const std::vector<uint8_t> junk{0x05};
  auto r = checks_of(wire::code::pull, junk);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, wire::status::malformed_request);
  EXPECT_NE(r.error().message.find("PULL"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace berth::kernel::auth::test
