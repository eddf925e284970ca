// Lookups and request/reply against a real berthd: a message by the id SEND returned, by key
// within a time range, by queue position; a reply reaches the requester's connection.
#include "messaging_fixture.hpp"

#include <berth/wire/properties.hpp>

namespace berth::test {
namespace {

using query_test = messaging_test;

TEST_F(query_test, a_message_is_found_by_id_key_and_position) {
  wire_client c(endpoint);
  create_topic(c, "orders", 2);
  send(c, "orders", 0, "first", "TagA", "order-1");
  const wire::send_result second = send(c, "orders", 1, "second", "TagB", "order-2 vip");
  const std::string id(second.message_id);
  (void)pull_visible(c, "orders", 0, 1);  // both queues: MESSAGE_AT reads queue 0 below
  (void)pull_visible(c, "orders", 1, 1);

  const auto by_id = c.call(wire::code::message_by_id, wire::message_by_id_request{id});
  expect_ok(by_id);
  const auto found = body_of<wire::stored_message>(*by_id);
  ASSERT_TRUE(found);
  EXPECT_EQ(text_of(found->body), "second");
  EXPECT_EQ(found->queue_id, 1u);
  EXPECT_EQ(found->keys, "order-2 vip");

  const auto by_key = c.call(wire::code::message_by_key,
                             wire::message_by_key_request{"orders", "vip", 0, 0, 10});
  expect_ok(by_key);
  const auto keyed = body_of<wire::stored_message_list>(*by_key);
  ASSERT_TRUE(keyed);
  ASSERT_EQ(keyed->messages.size(), 1u);
  EXPECT_EQ(keyed->messages[0].message_id, id);
  // Outside the time range: nothing, and that is no error.
  const auto too_early = c.call(wire::code::message_by_key,
                                wire::message_by_key_request{"orders", "vip", 0, 1000, 10});
  expect_ok(too_early);
  EXPECT_TRUE(body_of<wire::stored_message_list>(*too_early)->messages.empty());

  const auto at = c.call(wire::code::message_at, wire::message_at_request{"orders", 0, 0});
  expect_ok(at);
  EXPECT_EQ(text_of(body_of<wire::stored_message>(*at)->body), "first");

  const auto nowhere = c.call(wire::code::message_at, wire::message_at_request{"orders", 0, 7});
  ASSERT_TRUE(nowhere);
  EXPECT_EQ(header_of(*nowhere).status, wire::status::not_found);
  EXPECT_NE(error_text(*nowhere).find("[0, 1)"), std::string::npos) << error_text(*nowhere);
  const auto no_id = c.call(wire::code::message_by_id,
                            wire::message_by_id_request{"00000000000000000000000000000000"});
  ASSERT_TRUE(no_id);
  EXPECT_NE(header_of(*no_id).status, wire::status::ok);
  const auto no_topic = c.call(wire::code::message_by_key,
                               wire::message_by_key_request{"nope", "vip", 0, 0, 10});
  ASSERT_TRUE(no_topic);
  EXPECT_EQ(header_of(*no_topic).status, wire::status::no_topic);
}

TEST_F(query_test, a_reply_reaches_the_requester) {
  wire_client requester(endpoint);
  expect_ok(requester.call(wire::code::hello, wire::hello_request{"requester-1", "test", 1}));
  wire_client replier(endpoint);

  const std::vector<wire::property> properties{
      {std::string_view(wire::properties::correlation_id), "corr-42"},
      {std::string_view(wire::properties::reply_to_client), "requester-1"}};
  wire::message reply;
  reply.topic = "orders";
  reply.queue_id = 0;
  reply.properties = properties;
  const std::string body = "the answer";
  reply.body = bytes_of(body);
  expect_ok(replier.call(wire::code::send_reply, reply));

  const auto push = requester.next_push();
  ASSERT_TRUE(push);
  EXPECT_EQ(header_of(*push).code, wire::code::reply);
  const auto got = body_of<wire::stored_message>(*push);
  ASSERT_TRUE(got);
  EXPECT_EQ(text_of(got->body), body);
  EXPECT_EQ(got->properties, properties);

  // Nobody by that name: the replier hears so; without the properties: refused.
  const std::vector<wire::property> stranger{
      {std::string_view(wire::properties::correlation_id), "corr-43"},
      {std::string_view(wire::properties::reply_to_client), "gone"}};
  reply.properties = stranger;
  const auto lost = replier.call(wire::code::send_reply, reply);
  ASSERT_TRUE(lost);
  EXPECT_EQ(header_of(*lost).status, wire::status::not_found) << error_text(*lost);
  reply.properties.clear();
  const auto bare = replier.call(wire::code::send_reply, reply);
  ASSERT_TRUE(bare);
  EXPECT_EQ(header_of(*bare).status, wire::status::invalid_argument);
}

}  // namespace
}  // namespace berth::test
