// admin against a real berthd: topics (create, list, describe, remove) and their refusals;
// groups and message lookups.
#include "client_fixture.hpp"
#include "read_back.hpp"

#include <berth/client/admin.hpp>
#include <berth/client/producer.hpp>

#include <algorithm>

namespace berth::test {
namespace {

using client::errc;

client::admin started_admin(const std::string& endpoint) {
  client::admin_options o;
  o.endpoint = endpoint;
  client::admin a(o);
  EXPECT_TRUE(a.start());
  return a;
}

TEST(client_admin, topics_are_created_listed_described_and_removed) {
  client_broker broker;
  client::admin a = started_admin(broker.endpoint());
  BERTH_ASSERT_OK(a.create_topic("alpha", 3));
  BERTH_ASSERT_OK(a.create_topic("beta", 1, client::perm_read));
  BERTH_ASSERT_OK(a.create_topic("alpha", 3));  // same settings: fine

  auto again = a.create_topic("alpha", 5);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, errc::broker);
  EXPECT_EQ(again.error().status, wire::status::topic_exists);

  auto names = a.list_topics();
  BERTH_ASSERT_OK(names);
  EXPECT_EQ(names.value(), (std::vector<std::string>{"alpha", "beta"}));

  auto alpha = a.describe_topic("alpha");
  BERTH_ASSERT_OK(alpha);
  EXPECT_EQ(alpha.value().name, "alpha");
  EXPECT_EQ(alpha.value().queue_count, 3u);
  EXPECT_EQ(alpha.value().perm, client::perm_read_write);
  ASSERT_EQ(alpha.value().queues.size(), 3u);
  for (uint32_t q = 0; q < 3; ++q) {
    EXPECT_EQ(alpha.value().queues[q].queue_id, q);
    EXPECT_EQ(alpha.value().queues[q].max_offset, 0u);
  }
  auto beta = a.describe_topic("beta");
  BERTH_ASSERT_OK(beta);
  EXPECT_EQ(beta.value().perm, client::perm_read);

  BERTH_ASSERT_OK(a.remove_topic("beta"));
  auto gone = a.describe_topic("beta");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().status, wire::status::no_topic);
  EXPECT_EQ(a.remove_topic("beta").error().status, wire::status::no_topic);

  auto bad = a.create_topic("bad name", 1);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().status, wire::status::invalid_argument);
  EXPECT_NE(bad.error().message.find("topic"), std::string::npos) << bad.error().message;
}

TEST(client_admin, describe_shows_what_was_sent) {
  client_broker broker;
  client::admin a = started_admin(broker.endpoint());
  BERTH_ASSERT_OK(a.create_topic("counted", 2));
  client::producer_options po;
  po.endpoint = broker.endpoint();
  client::producer p(po);
  BERTH_ASSERT_OK(p.start());
  for (int i = 0; i < 5; ++i) {
    client::message m("counted", "x");
    m.queue_id = 1;
    BERTH_ASSERT_OK(p.send(m));
  }
  // Acknowledged messages become visible shortly after (the store's dispatcher).
  EXPECT_TRUE(eventually([&] {
    auto d = a.describe_topic("counted");
    return d && d.value().queues.size() == 2 && d.value().queues[1].max_offset == 5;
  }));
}

TEST(client_admin, messages_are_found_by_id_key_and_position) {
  client_broker broker;
  client::admin a = started_admin(broker.endpoint());
  BERTH_ASSERT_OK(a.create_topic("lookup", 2));
  client::producer_options po;
  po.endpoint = broker.endpoint();
  client::producer p(po);
  BERTH_ASSERT_OK(p.start());
  std::vector<client::send_receipt> sent;
  for (int i = 0; i < 4; ++i) {
    client::message m("lookup", "body-" + std::to_string(i));
    m.keys = {"k" + std::to_string(i % 2)};
    auto r = p.send(m);
    BERTH_ASSERT_OK(r);
    sent.push_back(r.value());
  }
  // Lookups see a message once the store's dispatcher indexed it, shortly after the send.
  client::result<client::received_message> by_id = client::failure(client::errc::timeout, "");
  ASSERT_TRUE(eventually([&] {
    by_id = a.message_by_id(sent[2].message_id);
    return by_id.has_value();
  })) << by_id.error().to_string();
  EXPECT_EQ(by_id.value().body, "body-2");
  EXPECT_EQ(by_id.value().message_id, sent[2].message_id);

  auto at = a.message_at("lookup", sent[3].queue_id, sent[3].queue_offset);
  BERTH_ASSERT_OK(at);
  EXPECT_EQ(at.value().body, "body-3");

  client::result<std::vector<client::received_message>> by_key =
      client::failure(client::errc::timeout, "");
  ASSERT_TRUE(eventually([&] {  // the key index follows the acknowledgement shortly
    by_key = a.messages_by_key("lookup", "k1", 0, INT64_MAX, 10);
    return by_key && by_key.value().size() == 2;
  })) << (by_key ? "found " + std::to_string(by_key.value().size()) : by_key.error().to_string());
  std::vector<std::string> bodies;
  for (const auto& m : by_key.value()) bodies.push_back(m.body);
  std::sort(bodies.begin(), bodies.end());
  EXPECT_EQ(bodies, (std::vector<std::string>{"body-1", "body-3"}));

  auto missing = a.message_at("lookup", sent[3].queue_id, 1000);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, errc::broker);
}

TEST(client_admin, groups_are_listed_described_and_reset) {
  client_broker broker;
  client::admin a = started_admin(broker.endpoint());
  BERTH_ASSERT_OK(a.create_topic("grouped", 2));
  client::producer_options po;
  po.endpoint = broker.endpoint();
  client::producer p(po);
  BERTH_ASSERT_OK(p.start());
  for (int i = 0; i < 6; ++i) {
    client::message m("grouped", "x");
    m.queue_id = static_cast<uint32_t>(i % 2);
    BERTH_ASSERT_OK(p.send(m));
  }
  client::pull_consumer c(reader_options(broker.endpoint(), "g1"));
  BERTH_ASSERT_OK(c.start());
  ASSERT_TRUE(wait_visible(c, "grouped", 6));  // "latest" below means all six
  BERTH_ASSERT_OK(c.commit("grouped", 0, 2));

  auto groups = a.list_groups();
  BERTH_ASSERT_OK(groups);
  EXPECT_NE(std::find(groups.value().begin(), groups.value().end(), "g1"), groups.value().end());

  auto g = a.describe_group("g1");
  BERTH_ASSERT_OK(g);
  EXPECT_EQ(g.value().name, "g1");
  bool saw_queue0 = false;
  for (const auto& q : g.value().queues) {
    if (q.topic == "grouped" && q.queue_id == 0) {
      saw_queue0 = true;
      EXPECT_EQ(q.committed, std::optional<uint64_t>(2));
    }
  }
  EXPECT_TRUE(saw_queue0);

  auto reset = a.reset_group("g1", "grouped", client::reset_to::latest);
  BERTH_ASSERT_OK(reset);
  ASSERT_EQ(reset.value().size(), 2u);
  for (const auto& q : reset.value()) {
    EXPECT_EQ(q.committed, std::optional<uint64_t>(3));
    EXPECT_EQ(q.lag, 0u);
  }
  auto committed = c.committed("grouped", 0);
  BERTH_ASSERT_OK(committed);
  EXPECT_EQ(committed.value(), std::optional<uint64_t>(3));
  auto earliest = a.reset_group("g1", "grouped", client::reset_to::earliest);
  BERTH_ASSERT_OK(earliest);
  for (const auto& q : earliest.value()) EXPECT_EQ(q.committed, std::optional<uint64_t>(0));

  auto unknown = a.describe_group("nobody");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().status, wire::status::no_group);
}

}  // namespace
}  // namespace berth::test
