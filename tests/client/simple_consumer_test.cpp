// simple_consumer against a real berthd: receive, ack, redelivery with a new attempt,
// change_invisible, FIFO message groups from the producer's message_group.
#include "client_fixture.hpp"

#include <berth/client/admin.hpp>
#include <berth/client/producer.hpp>
#include <berth/client/simple_consumer.hpp>
#include <berth/wire/properties.hpp>

namespace berth::test {
namespace {

using client::errc;
using client::message;

client::simple_consumer_options simple_options(const std::string& endpoint, bool fifo = false) {
  client::simple_consumer_options o;
  o.endpoint = endpoint;
  o.group = "simple";
  o.topic = "popped";
  o.fifo = fifo;
  o.hold = 5s;
  return o;
}

struct setup {
  client_broker broker;
  client::producer producer{[this] {
    client::producer_options o;
    o.endpoint = broker.endpoint();
    return o;
  }()};

  explicit setup(uint32_t queues) {
    client::admin_options o;
    o.endpoint = broker.endpoint();
    client::admin a(o);
    EXPECT_TRUE(a.start());
    EXPECT_TRUE(a.create_topic("popped", queues));
    EXPECT_TRUE(producer.start());
  }
};

TEST(client_simple_consumer, receive_ack_and_redelivery) {
  setup s(2);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(s.producer.send(message("popped", "m" + std::to_string(i))));
  client::simple_consumer c(simple_options(s.broker.endpoint()));
  BERTH_ASSERT_OK(c.start());
  std::vector<client::popped_message> got;
  ASSERT_TRUE(eventually([&] {
    auto r = c.receive(32, 1s);
    if (r) got.insert(got.end(), r.value().begin(), r.value().end());
    return got.size() >= 3;
  }));
  ASSERT_EQ(got.size(), 3u);
  for (const auto& m : got) {
    EXPECT_EQ(m.attempt, 1u);
    EXPECT_FALSE(m.receipt_handle.empty());
    EXPECT_EQ(m.topic, "popped");
  }
  // Ack all but one; the one comes back with attempt 2.
  BERTH_ASSERT_OK(c.ack(got[0]));
  BERTH_ASSERT_OK(c.ack(got[1]));
  auto again = c.receive(32, 30s);
  BERTH_ASSERT_OK(again);
  ASSERT_EQ(again.value().size(), 1u);
  EXPECT_EQ(again.value()[0].body, got[2].body);
  EXPECT_EQ(again.value()[0].attempt, 2u);
  EXPECT_EQ(again.value()[0].reconsume_times, 1u);
  auto stale = c.ack(got[2]);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().status, wire::status::stale_handle);
  BERTH_ASSERT_OK(c.ack(again.value()[0]));
  auto twice = c.ack(again.value()[0]);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().status, wire::status::already_acked);
}

TEST(client_simple_consumer, change_invisible_gives_a_new_handle) {
  setup s(1);
  ASSERT_TRUE(s.producer.send(message("popped", "slow")));
  client::simple_consumer c(simple_options(s.broker.endpoint()));
  BERTH_ASSERT_OK(c.start());
  auto got = c.receive(1, 1s);
  BERTH_ASSERT_OK(got);
  ASSERT_EQ(got.value().size(), 1u);
  client::popped_message m = got.value()[0];
  const std::string old_handle = m.receipt_handle;
  BERTH_ASSERT_OK(c.change_invisible(m, 0ms));  // back at once
  EXPECT_NE(m.receipt_handle, old_handle);
  auto again = c.receive(1, 30s);
  BERTH_ASSERT_OK(again);
  ASSERT_EQ(again.value().size(), 1u);
  EXPECT_EQ(again.value()[0].attempt, 2u);
  auto stale = c.change_invisible(m, 10s);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().status, wire::status::stale_handle);
}

TEST(client_simple_consumer, message_groups_pick_one_queue_and_fifo_orders_them) {
  setup s(4);
  std::set<uint32_t> queues;
  for (int i = 0; i < 4; ++i) {
    message m("popped", "g-" + std::to_string(i));
    m.message_group = "cart-1";
    auto r = s.producer.send(m);
    BERTH_ASSERT_OK(r);
    queues.insert(r.value().queue_id);
  }
  EXPECT_EQ(queues.size(), 1u);
  client::simple_consumer c(simple_options(s.broker.endpoint(), true));
  BERTH_ASSERT_OK(c.start());
  for (int i = 0; i < 4; ++i) {
    auto got = c.receive(32, 30s);
    BERTH_ASSERT_OK(got);
    ASSERT_EQ(got.value().size(), 1u);  // one of the group at a time
    EXPECT_EQ(got.value()[0].body, "g-" + std::to_string(i));
    EXPECT_EQ(got.value()[0].property(wire::properties::message_group), "cart-1");
    BERTH_ASSERT_OK(c.ack(got.value()[0]));
  }
}

TEST(client_simple_consumer, refuses_without_group_or_topic) {
  client::simple_consumer_options o;
  o.topic = "t";
  EXPECT_EQ(client::simple_consumer(o).start().error().code, errc::invalid_argument);
  o.group = "g";
  o.topic.clear();
  EXPECT_EQ(client::simple_consumer(o).start().error().code, errc::invalid_argument);
}

}  // namespace
}  // namespace berth::test
