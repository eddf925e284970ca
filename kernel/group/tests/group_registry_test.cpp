// Membership: heartbeats join and move members, closed connections and silence make them
// leave, and each change names the (group, topic) pairs whose members changed.
#include "group/group_registry.hpp"

#include "fake_transport.hpp"

#include <gtest/gtest.h>

namespace berth::kernel::group {
namespace {

using namespace std::chrono_literals;
using changes = std::set<group_topic>;

class group_registry_test : public ::testing::Test {
 protected:
  protocol::connection_ptr connect() {
    return std::make_shared<protocol::connection>(transport.ops, &transport,
                                                  protocol::test::fake_transport::info(), "tcp");
  }
  static std::map<std::string, std::vector<subscription>> subscribed(
      const std::string& group, std::vector<std::string> topics,
      wire::consume_model model = wire::consume_model::clustering) {
    std::map<std::string, std::vector<subscription>> out;
    for (auto& t : topics) out[group].push_back({std::move(t), model, wire::filter_type::tag, "*"});
    return out;
  }

  protocol::test::fake_transport transport;
  group_registry registry;
  clock::time_point t0 = clock::now();
};

TEST_F(group_registry_test, joining_changes_the_group_once) {
  const auto a = connect();
  EXPECT_EQ(registry.heartbeat(a, "a", subscribed("g", {"orders", "refunds"}), t0),
            (changes{{"g", "orders"}, {"g", "refunds"}}));
  EXPECT_TRUE(registry.heartbeat(a, "a", subscribed("g", {"orders", "refunds"}), t0 + 1s).empty());
  const auto b = connect();
  EXPECT_EQ(registry.heartbeat(b, "b", subscribed("g", {"orders"}), t0), (changes{{"g", "orders"}}));
  EXPECT_EQ(registry.members("g", "orders"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(registry.members("g", "refunds"), (std::vector<std::string>{"a"}));
  EXPECT_EQ(registry.groups(), (std::vector<std::string>{"g"}));
  EXPECT_EQ(registry.connections("g").size(), 2u);
}

TEST_F(group_registry_test, a_changed_subscription_names_only_the_topics_that_moved) {
  const auto a = connect();
  registry.heartbeat(a, "a", subscribed("g", {"orders", "refunds"}), t0);
  EXPECT_EQ(registry.heartbeat(a, "a", subscribed("g", {"orders", "audit"}), t0),
            (changes{{"g", "audit"}, {"g", "refunds"}}));
  // A heartbeat without the group: the client left it.
  EXPECT_EQ(registry.heartbeat(a, "a", subscribed("h", {"orders"}), t0),
            (changes{{"g", "audit"}, {"g", "orders"}, {"h", "orders"}}));
  EXPECT_EQ(registry.groups(), (std::vector<std::string>{"h"}));
}

TEST_F(group_registry_test, a_closed_connection_leaves_every_group) {
  const auto a = connect();
  const auto b = connect();
  registry.heartbeat(a, "a", subscribed("g", {"orders"}), t0);
  registry.heartbeat(a, "a", subscribed("g", {"orders"}), t0);
  registry.heartbeat(b, "b", subscribed("g", {"orders"}), t0);
  EXPECT_EQ(registry.disconnected(a), (changes{{"g", "orders"}}));
  EXPECT_EQ(registry.members("g", "orders"), (std::vector<std::string>{"b"}));
  EXPECT_TRUE(registry.disconnected(a).empty());
}

TEST_F(group_registry_test, silence_past_the_timeout_expires_a_member) {
  const auto a = connect();
  const auto b = connect();
  registry.heartbeat(a, "a", subscribed("g", {"orders"}, wire::consume_model::broadcasting), t0);
  registry.heartbeat(b, "b", subscribed("g", {"orders"}, wire::consume_model::broadcasting),
                     t0 + 20s);
  EXPECT_EQ(registry.model("g"), wire::consume_model::broadcasting);
  EXPECT_TRUE(registry.expire(t0 + 30s, 30s).empty());
  EXPECT_EQ(registry.expire(t0 + 31s, 30s), (changes{{"g", "orders"}}));
  EXPECT_EQ(registry.members("g"), (std::vector<std::string>{"b"}));
  EXPECT_EQ(registry.expire(t0 + 51s, 30s), (changes{{"g", "orders"}}));
  EXPECT_TRUE(registry.groups().empty());
  EXPECT_EQ(registry.model("g"), std::nullopt);
}

}  // namespace
}  // namespace berth::kernel::group
