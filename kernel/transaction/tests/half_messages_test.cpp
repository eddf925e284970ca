// The messages of a transaction, built from what they come from.
#include "transaction/half_messages.hpp"

#include "store/message_view.hpp"
#include "topic/system_topics.hpp"

#include <berth/wire/properties.hpp>

#include <gtest/gtest.h>

namespace berth::kernel::transaction {
namespace {

namespace properties = wire::properties;
using store::property_of;
using store::text_of;

std::span<const uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

wire::message sent_half(const std::vector<wire::property>& props) {
  wire::message m;
  m.topic = "orders";
  m.tags = "paid";
  m.keys = "order-1";
  m.properties = props;
  m.flag = 3;
  m.born_time_ms = 42;
  m.body = bytes("payload");
  return m;
}

TEST(HalfMessages, AHalfWaitsInTheHalfTopicNamingItsRealDestination) {
  const std::vector<wire::property> props{{"TRAN_MSG", "true"}, {"PGROUP", "producers"},
                                          {"color", "blue"}};
  store::message_builder half =
      half_of(sent_half(props), {"orders", 2}, "TX1", "1.2.3.4:5", "127.0.0.1:10911");
  const berth_message_view& v = half.view();
  EXPECT_EQ(text_of(v.topic), topic::transaction_half_topic);
  EXPECT_EQ(v.queue_id, 0u);
  EXPECT_EQ(property_of(v, properties::real_topic), "orders");
  EXPECT_EQ(property_of(v, properties::real_queue), "2");
  EXPECT_EQ(property_of(v, properties::transaction_id), "TX1");
  EXPECT_EQ(property_of(v, properties::unique_key), "TX1");  // none was set
  EXPECT_EQ(property_of(v, "color"), "blue");
  EXPECT_EQ(text_of(v.born_host), "1.2.3.4:5");
  EXPECT_EQ(v.flag, 3u);
}

TEST(HalfMessages, TheCommittedCopyGoesToTheRealTopicWithoutTransactionProperties) {
  const std::vector<wire::property> props{{"TRAN_MSG", "true"}, {"PGROUP", "producers"},
                                          {"UNIQ_KEY", "U1"}, {"color", "blue"}};
  store::message_builder half = half_of(sent_half(props), {"orders", 2}, "TX1", "a", "b");
  half.set_property(properties::transaction_check_times, "3");
  auto real = committed_copy_of(half.view());
  ASSERT_TRUE(real);
  const berth_message_view& v = real->view();
  EXPECT_EQ(text_of(v.topic), "orders");
  EXPECT_EQ(v.queue_id, 2u);
  EXPECT_EQ(text_of(v.tags), "paid");
  EXPECT_EQ(text_of(v.keys), "order-1");
  EXPECT_EQ(property_of(v, properties::unique_key), "U1");
  EXPECT_EQ(property_of(v, properties::transaction_id), "TX1");  // kept: recognised by it
  EXPECT_EQ(property_of(v, "color"), "blue");
  for (const auto name : {properties::transaction_prepared, properties::producer_group,
                          properties::real_topic, properties::real_queue,
                          properties::transaction_check_times}) {
    EXPECT_FALSE(property_of(v, name)) << name;
  }
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(v.body.ptr), v.body.len), "payload");
}

TEST(HalfMessages, AHalfWithoutAValidRealQueueHasNoCommittedCopy) {
  store::message_builder half(std::string(topic::transaction_half_topic), 0);
  half.property(std::string(properties::real_topic), "orders");
  half.property(std::string(properties::real_queue), "two");
  EXPECT_FALSE(committed_copy_of(half.view()));
}

TEST(HalfMessages, OpRecordsNameTheirHalfOffsets) {
  const uint64_t offsets[] = {12, 13, 400};
  store::message_builder op = op_record(offsets);
  EXPECT_EQ(text_of(op.view().topic), topic::transaction_op_topic);
  EXPECT_EQ(text_of(op.view().tags), op_tag);
  EXPECT_EQ(half_offsets_of(op.view()), (std::vector<uint64_t>{12, 13, 400}));
  op.body(std::string_view("7,x,,9"));
  EXPECT_EQ(half_offsets_of(op.view()), (std::vector<uint64_t>{7, 9}));
}

TEST(HalfMessages, ATransactionIsKnownByItsIdOrMessageIdAndGroup) {
  const std::vector<wire::property> props{{"TRAN_MSG", "true"}, {"PGROUP", "producers"}};
  store::message_builder half = half_of(sent_half(props), {"orders", 0}, "TX1", "a", "b");
  EXPECT_TRUE(is_transaction(half.view(), "TX1", "producers"));
  EXPECT_FALSE(is_transaction(half.view(), "TX1", "others"));
  EXPECT_FALSE(is_transaction(half.view(), "TX2", "producers"));
  EXPECT_FALSE(is_transaction(half.view(), "", "producers"));
}

}  // namespace
}  // namespace berth::kernel::transaction
