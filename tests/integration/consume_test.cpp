// PULL, long polling and committed offsets against a real berthd over TCP (mmap store):
// messages come back exactly as sent, a parked pull is answered as soon as a message lands and
// only then, bad positions and unknown names get their specific answers, and offsets survive
// a restart.
#include "messaging_fixture.hpp"

#include <future>

namespace berth::test {
namespace {

using consume_test = messaging_test;

TEST_F(consume_test, pulled_messages_are_exactly_what_was_sent) {
  wire_client c(endpoint);
  create_topic(c, "orders", 2);
  wire::message m;
  m.topic = "orders";
  m.queue_id = 1;
  m.tags = "Paid";
  m.keys = "order-7 customer-3";
  const std::vector<wire::property> properties{{"region", "eu-west"}, {"priority", "high"}};
  m.properties = properties;
  m.flag = 42;
  m.born_time_ms = 1'700'000'000'123;
  const std::string body = std::string("binary\0body", 11) + std::string(3000, 'z');
  m.body = bytes_of(body);
  const auto sent_frame = c.call(wire::code::send, m);
  expect_ok(sent_frame);
  const auto sent = body_of<wire::send_result>(*sent_frame);
  ASSERT_TRUE(sent);
  send(c, "orders", 1, "second", "Shipped");

  const std::vector<uint8_t> frame = pull_visible(c, "orders", 1, 2);
  const auto pulled = body_of<wire::pull_response>(frame);
  ASSERT_TRUE(pulled);
  EXPECT_EQ(pulled->status, wire::pull_status::found);
  ASSERT_EQ(pulled->messages.size(), 2u);
  EXPECT_EQ(pulled->next_offset, 2u);
  EXPECT_EQ(pulled->max_offset, 2u);
  const wire::stored_message& first = pulled->messages[0];
  EXPECT_EQ(first.topic, "orders");
  EXPECT_EQ(first.queue_id, 1u);
  EXPECT_EQ(first.queue_offset, 0u);
  EXPECT_EQ(first.message_id, sent->message_id);
  EXPECT_EQ(first.tags, "Paid");
  EXPECT_EQ(first.keys, "order-7 customer-3");
  EXPECT_EQ(first.properties, properties);
  EXPECT_EQ(first.flag, 42u);
  EXPECT_EQ(first.born_time_ms, 1'700'000'000'123);
  EXPECT_EQ(first.store_time_ms, sent->store_time_ms);
  EXPECT_EQ(text_of(first.body), body);
  EXPECT_EQ(text_of(pulled->messages[1].body), "second");
  EXPECT_EQ(pulled->messages[1].queue_offset, 1u);

  // A tag filter takes only its tags.
  wire::pull_request shipped = pull_at("orders", 1, 0);
  shipped.expression = "Shipped || Returned";
  const auto filtered = c.call(wire::code::pull, shipped);
  expect_ok(filtered);
  const auto only = body_of<wire::pull_response>(*filtered);
  ASSERT_TRUE(only);
  ASSERT_EQ(only->messages.size(), 1u);
  EXPECT_EQ(only->messages[0].tags, "Shipped");
}

TEST_F(consume_test, a_parked_pull_is_answered_when_a_message_lands) {
  wire_client c(endpoint);
  create_topic(c, "events", 1);
  // Hold for up to 20 s at the end of the empty queue, on its own connection.
  auto parked = std::async(std::launch::async, [&] {
    wire_client waiter(endpoint);
    const auto started = std::chrono::steady_clock::now();
    auto answer = waiter.call(wire::code::pull, pull_at("events", 0, 0, 20'000), 30s);
    return std::make_pair(std::move(answer), std::chrono::steady_clock::now() - started);
  });
  EXPECT_EQ(parked.wait_for(500ms), std::future_status::timeout);  // it waits
  send(c, "events", 0, "wake up");
  auto [answer, waited] = parked.get();
  ASSERT_TRUE(answer);
  const auto pulled = body_of<wire::pull_response>(*answer);
  ASSERT_TRUE(pulled);
  EXPECT_EQ(pulled->status, wire::pull_status::found);
  ASSERT_EQ(pulled->messages.size(), 1u);
  EXPECT_EQ(text_of(pulled->messages[0].body), "wake up");
  EXPECT_LT(waited, 15s);  // woken by the message, not by the end of its hold
}

TEST_F(consume_test, a_pull_with_nothing_new_waits_its_hold_and_says_so) {
  wire_client c(endpoint);
  create_topic(c, "quiet", 1);
  const auto started = std::chrono::steady_clock::now();
  const auto answer = c.call(wire::code::pull, pull_at("quiet", 0, 0, 300));
  const auto waited = std::chrono::steady_clock::now() - started;
  expect_ok(answer);
  const auto pulled = body_of<wire::pull_response>(*answer);
  ASSERT_TRUE(pulled);
  EXPECT_EQ(pulled->status, wire::pull_status::no_new_message);
  EXPECT_TRUE(pulled->messages.empty());
  EXPECT_GE(waited, 250ms);
}

TEST_F(consume_test, bad_positions_and_names_get_specific_answers) {
  wire_client c(endpoint);
  create_topic(c, "orders", 2);
  send(c, "orders", 0, "one");
  (void)pull_visible(c, "orders", 0, 1);
  EXPECT_EQ(status_of(c.call(wire::code::pull, pull_at("nope", 0, 0))), wire::status::no_topic);
  EXPECT_EQ(status_of(c.call(wire::code::pull, pull_at("orders", 2, 0))), wire::status::no_queue);
  EXPECT_EQ(status_of(c.call(wire::code::pull, pull_at("orders", 0, 0, 0, ""))),
            wire::status::invalid_argument);
  wire::pull_request bad_filter = pull_at("orders", 0, 0);
  bad_filter.expression = "A || ";
  const auto tags = c.call(wire::code::pull, bad_filter);
  EXPECT_EQ(status_of(tags), wire::status::invalid_filter);
  EXPECT_EQ(error_text(*tags).rfind("tag filter: col 5:", 0), 0u) << error_text(*tags);
  // This broker's config loads no SQL filter.
  bad_filter.expression = "a > 1";
  bad_filter.filter_type = wire::filter_type::sql;
  const auto sql = c.call(wire::code::pull, bad_filter);
  EXPECT_EQ(status_of(sql), wire::status::filter_unsupported);
  EXPECT_NE(error_text(*sql).find("no sql filter"), std::string::npos) << error_text(*sql);

  const auto past = c.call(wire::code::pull, pull_at("orders", 0, 9));
  expect_ok(past);
  const auto moved = body_of<wire::pull_response>(*past);
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->status, wire::pull_status::offset_moved);
  EXPECT_EQ(moved->next_offset, 1u);

  EXPECT_EQ(status_of(c.call(wire::code::commit_offset,
                             wire::commit_offset_request{"readers", "nope", 0, 1})),
            wire::status::no_topic);
  EXPECT_EQ(status_of(c.call(wire::code::group_describe, wire::group_describe_request{"ghosts"})),
            wire::status::no_group);
  // The connection is still served.
  expect_ok(c.call(wire::code::topic_list, wire::empty_body{}));
}

TEST_F(consume_test, committed_offsets_survive_a_restart) {
  {
    wire_client c(endpoint);
    create_topic(c, "orders", 4);
    expect_ok(c.call(wire::code::commit_offset, wire::commit_offset_request{"billing", "orders", 3, 17}));
    // A pull can commit along the way.
    wire::pull_request p = pull_at("orders", 1, 0, 0, "billing");
    p.commit = true;
    p.commit_offset = 5;
    expect_ok(c.call(wire::code::pull, p));
  }
  stop();
  start();
  wire_client c(endpoint);
  for (const auto& [queue, expected] : {std::pair{3u, 17u}, std::pair{1u, 5u}}) {
    const auto answer = c.call(wire::code::query_offset,
                               wire::query_offset_request{"billing", "orders", queue});
    expect_ok(answer);
    const auto offset = body_of<wire::query_offset_response>(*answer);
    ASSERT_TRUE(offset);
    EXPECT_TRUE(offset->known);
    EXPECT_EQ(offset->offset, expected);
  }
  const auto unknown = c.call(wire::code::query_offset,
                              wire::query_offset_request{"billing", "orders", 0});
  expect_ok(unknown);
  EXPECT_FALSE(body_of<wire::query_offset_response>(*unknown)->known);
  const auto groups = c.call(wire::code::group_list, wire::empty_body{});
  expect_ok(groups);
  EXPECT_EQ(body_of<wire::name_list>(*groups)->names, std::vector<std::string_view>{"billing"});
  // Deleting the topic forgets the group's offsets in it.
  expect_ok(c.call(wire::code::topic_delete, wire::topic_delete_request{"orders"}));
  const auto none = c.call(wire::code::group_list, wire::empty_body{});
  expect_ok(none);
  EXPECT_TRUE(body_of<wire::name_list>(*none)->names.empty());
}

}  // namespace
}  // namespace berth::test
