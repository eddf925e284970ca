// RocketMQ 5 messages to native records and back.
#include "message_codec.hpp"

#include <berth/wire/properties.hpp>

#include <gtest/gtest.h>

#include <chrono>

namespace berth::transport_grpc {
namespace {

v2::Message sample() {
  v2::Message m;
  m.mutable_topic()->set_name("orders");
  m.set_body("hello");
  v2::SystemProperties* sys = m.mutable_system_properties();
  sys->set_message_id("0102FC0000000121F30B283B1100000000");
  sys->set_tag("TagA");
  sys->add_keys("k1");
  sys->add_keys("k2");
  sys->set_message_type(v2::NORMAL);
  sys->mutable_born_timestamp()->set_seconds(1'700'000'000);
  (*m.mutable_user_properties())["b"] = "2";
  (*m.mutable_user_properties())["a"] = "1";
  return m;
}

const send_limits limits{4 << 20};

std::string property(const outgoing_message& m, std::string_view name) {
  for (const auto& [n, v] : m.properties) {
    if (n == name) return v;
  }
  return "<none>";
}

refusal refused(const v2::Message& m) {
  auto out = to_outgoing(m, limits);
  EXPECT_TRUE(std::holds_alternative<refusal>(out));
  return std::holds_alternative<refusal>(out) ? std::get<refusal>(out) : refusal{v2::OK, ""};
}

TEST(to_outgoing, keeps_everything_a_consumer_will_read) {
  auto out = to_outgoing(sample(), limits);
  ASSERT_TRUE(std::holds_alternative<outgoing_message>(out));
  const outgoing_message& m = std::get<outgoing_message>(out);
  EXPECT_EQ(m.topic, "orders");
  EXPECT_EQ(m.tags, "TagA");
  EXPECT_EQ(m.keys, "k1 k2");
  EXPECT_EQ(m.body, "hello");
  EXPECT_EQ(m.born_time_ms, 1'700'000'000'000);
  EXPECT_EQ(m.type, v2::NORMAL);
  EXPECT_EQ(m.queue_id, wire::any_queue);
  EXPECT_EQ(property(m, wire::properties::unique_key), "0102FC0000000121F30B283B1100000000");
  ASSERT_GE(m.properties.size(), 2u);
  EXPECT_EQ(m.properties[0].first, "a");  // sorted, whatever the map's order
  EXPECT_EQ(m.properties[1].first, "b");
}

TEST(to_outgoing, fifo_delay_and_transaction_marks) {
  v2::Message fifo = sample();
  fifo.mutable_system_properties()->set_message_group("g1");
  fifo.mutable_system_properties()->set_message_type(v2::FIFO);
  auto f = std::get<outgoing_message>(to_outgoing(fifo, limits));
  EXPECT_EQ(f.message_group, "g1");
  EXPECT_EQ(property(f, wire::properties::message_group), "g1");

  v2::Message delayed = sample();
  const int64_t at = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count() + 60;
  delayed.mutable_system_properties()->mutable_delivery_timestamp()->set_seconds(at);
  delayed.mutable_system_properties()->set_message_type(v2::DELAY);
  auto d = std::get<outgoing_message>(to_outgoing(delayed, limits));
  EXPECT_EQ(property(d, wire::properties::deliver_at_ms), std::to_string(at * 1000));
  EXPECT_TRUE(d.parked);
  EXPECT_FALSE(f.parked);

  v2::Message tx = sample();
  tx.mutable_system_properties()->set_message_type(v2::TRANSACTION);
  auto t = std::get<outgoing_message>(to_outgoing(tx, limits));
  EXPECT_EQ(property(t, wire::properties::transaction_prepared), "true");
  EXPECT_EQ(property(t, wire::properties::producer_group), "orders");
}

TEST(to_outgoing, refuses_what_rocketmq_refuses_with_its_codes) {
  v2::Message m = sample();
  m.mutable_topic()->set_name("bad topic");
  EXPECT_EQ(refused(m).code, v2::ILLEGAL_TOPIC);

  m = sample();
  m.clear_body();
  EXPECT_EQ(refused(m).code, v2::MESSAGE_BODY_EMPTY);

  m = sample();
  m.set_body(std::string((4 << 20) + 1, 'x'));
  EXPECT_EQ(refused(m).code, v2::MESSAGE_BODY_TOO_LARGE);

  m = sample();
  m.mutable_system_properties()->set_tag("a||b");
  EXPECT_EQ(refused(m).code, v2::ILLEGAL_MESSAGE_TAG);

  m = sample();
  m.mutable_system_properties()->add_keys(" ");
  EXPECT_EQ(refused(m).code, v2::ILLEGAL_MESSAGE_KEY);

  m = sample();
  (*m.mutable_user_properties())["UNIQ_KEY"] = "mine";
  EXPECT_EQ(refused(m).code, v2::ILLEGAL_MESSAGE_PROPERTY_KEY);

  m = sample();
  m.mutable_system_properties()->set_message_id("");
  EXPECT_EQ(refused(m).code, v2::ILLEGAL_MESSAGE_ID);

  m = sample();
  m.mutable_system_properties()->set_message_group(std::string(64, 'g'));
  EXPECT_EQ(refused(m).code, v2::ILLEGAL_MESSAGE_GROUP);

  m = sample();
  m.mutable_system_properties()->set_message_group("g");
  m.mutable_system_properties()->mutable_delivery_timestamp()->set_seconds(1);
  EXPECT_EQ(refused(m).code, v2::MESSAGE_PROPERTY_CONFLICT_WITH_TYPE);

  m = sample();
  m.mutable_system_properties()->mutable_delivery_timestamp()->set_seconds(
      std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count() + 2 * 86400);
  EXPECT_EQ(refused(m).code, v2::ILLEGAL_DELIVERY_TIME);
}

TEST(to_v2, a_delivery_carries_the_producer_id_digest_handle_and_attempt) {
  std::vector<wire::property> props{{"a", "1"},
                                    {wire::properties::unique_key, "CLIENT-ID"},
                                    {wire::properties::message_group, "g1"}};
  const std::string body = "hello";
  wire::stored_message s;
  s.topic = "orders";
  s.queue_id = 3;
  s.queue_offset = 17;
  s.message_id = "BROKER-ID";
  s.tags = "TagA";
  s.keys = "k1 k2";
  s.properties = props;
  s.born_time_ms = 1'700'000'000'123;
  s.store_time_ms = 1'700'000'000'456;
  s.body = wire::bytes_view(reinterpret_cast<const uint8_t*>(body.data()), body.size());
  const delivery_facts facts{"HANDLE", 2, 30'000};
  v2::Message out;
  to_v2(s, &facts, &out);
  const v2::SystemProperties& sys = out.system_properties();
  EXPECT_EQ(out.topic().name(), "orders");
  EXPECT_EQ(sys.message_id(), "CLIENT-ID");
  EXPECT_EQ(sys.tag(), "TagA");
  ASSERT_EQ(sys.keys_size(), 2);
  EXPECT_EQ(sys.keys(1), "k2");
  EXPECT_EQ(sys.body_digest().type(), v2::MD5);
  EXPECT_EQ(sys.body_digest().checksum(), "5D41402ABC4B2A76B9719D911017C592");  // MD5("hello")
  EXPECT_EQ(sys.receipt_handle(), "HANDLE");
  EXPECT_EQ(sys.delivery_attempt(), 2);
  EXPECT_EQ(sys.invisible_duration().seconds(), 30);
  EXPECT_EQ(sys.queue_id(), 3);
  EXPECT_EQ(sys.queue_offset(), 17);
  EXPECT_EQ(sys.message_group(), "g1");
  EXPECT_EQ(sys.message_type(), v2::FIFO);
  EXPECT_EQ(sys.born_timestamp().seconds(), 1'700'000'000);
  EXPECT_EQ(sys.born_timestamp().nanos(), 123'000'000);
  ASSERT_EQ(out.user_properties().size(), 1u);  // the broker's own properties stay hidden
  EXPECT_EQ(out.user_properties().at("a"), "1");
  EXPECT_EQ(out.body(), "hello");
}

}  // namespace
}  // namespace berth::transport_grpc
