// SEND and SEND_BATCH through the router, a real connection and a fake transport, over a topic
// table in a temp dir and the memory store: what is stored, what is answered, every refusal.
#include "fake_transport.hpp"
#include "process.hpp"
#include "store_fixture.hpp"

#include "produce/send_handler.hpp"

#include <gtest/gtest.h>

#include <list>
#include <set>

namespace berth::kernel::produce {
namespace {

using protocol::test::error_text;
using protocol::test::fake_transport;
using protocol::test::header_of;
using protocol::test::request_frame;

std::string_view text(berth_str s) { return s.len == 0 ? std::string_view{} : std::string_view{s.ptr, s.len}; }

class send_handler_test : public ::testing::Test {
 protected:
  void open(bool auto_create = true) {
    auto opened = topic::topic_table::open(dir.path(), {auto_create, 3});
    ASSERT_TRUE(opened) << opened.error().message;
    topics = std::move(opened).value();
    auto harness = test::store_harness::open(test::store_plugin_path("memory"), "");
    ASSERT_TRUE(harness) << harness.error().message;
    store = std::move(harness).value();
    timer::timer_settings timing;
    timing.checkpoint_file = timer::timer_checkpoint_path(dir.path());
    timing.automatic = false;
    auto opened_timer = timer::timer_service::open(*topics, store->store(), scheduler, timing);
    ASSERT_TRUE(opened_timer) << opened_timer.error().message;
    timer = std::move(opened_timer).value();
    add_produce_handlers(routes, *topics, store->store(), {1024}, timer.get());
  }
  void SetUp() override { open(); }

  std::vector<uint8_t> call(wire::code code, const auto& body) {
    const size_t before = transport.sent.size();
    routes.route(conn, request_frame(code, ++next_id, body));
    EXPECT_EQ(transport.sent.size(), before + 1) << "no answer";
    if (transport.sent.size() != before + 1) return {};
    return transport.sent.back();
  }
  static wire::status status(const std::vector<uint8_t>& frame) { return header_of(frame).status; }

  wire::message message(std::string_view topic, int32_t queue, std::string_view body) {
    bodies.emplace_back(body);
    wire::message m;
    m.topic = topic;
    m.queue_id = queue;
    m.tags = "TagA";
    m.keys = "k1 k2";
    m.properties = {{"color", "blue"}};
    m.born_time_ms = 1234;
    m.body = std::span(reinterpret_cast<const uint8_t*>(bodies.back().data()), bodies.back().size());
    return m;
  }
  wire::send_result sent(const std::vector<uint8_t>& frame) {
    const wire::frame_header h = header_of(frame);
    auto r = wire::decode<wire::send_result>(wire::frame_body(frame, h), h.code, wire::kind::response);
    EXPECT_TRUE(r) << r.error().message;
    return r ? r.value() : wire::send_result{};
  }
  uint64_t stored_in(std::string_view topic, uint32_t queue) {
    auto b = store->store().bounds(topic, queue);
    return b ? b.value().max_offset : 0;
  }

  berth::test::temp_dir dir;
  topic::topic_table_ptr topics;
  std::unique_ptr<test::store_harness> store;
  executor::scheduler scheduler{1};
  std::unique_ptr<timer::timer_service> timer;
  fake_transport transport;
  protocol::router routes;
  protocol::connection_ptr conn = std::make_shared<protocol::connection>(
      transport.ops, &transport, fake_transport::info(), "transport-tcp");
  uint64_t next_id = 0;
  std::list<std::string> bodies;
};

TEST_F(send_handler_test, a_message_is_stored_as_sent_and_answered_with_where_it_went) {
  ASSERT_TRUE(topics->create("orders", {2, 6}));
  const auto answer = call(wire::code::send, message("orders", 1, "hello"));
  ASSERT_EQ(status(answer), wire::status::ok) << error_text(answer);
  const wire::send_result r = sent(answer);
  EXPECT_EQ(r.queue_id, 1u);
  EXPECT_EQ(r.queue_offset, 0u);
  EXPECT_FALSE(r.message_id.empty());

  auto read = store->store().read({.topic = "orders", .queue_id = 1, .offset = 0, .max_messages = 8});
  ASSERT_TRUE(read) << read.error().message;
  ASSERT_EQ(read.value().messages().size(), 1u);
  const berth_message_view& m = *read.value().messages()[0];
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(m.body.ptr), m.body.len), "hello");
  EXPECT_EQ(text(m.tags), "TagA");
  EXPECT_EQ(text(m.keys), "k1 k2");
  ASSERT_EQ(m.property_count, 1u);
  EXPECT_EQ(text(m.properties[0].name), "color");
  EXPECT_EQ(text(m.properties[0].value), "blue");
  EXPECT_EQ(m.born_time_ms, 1234);
  EXPECT_EQ(text(m.born_host), "127.0.0.1:5000") << "the producer's address, as the transport saw it";
  EXPECT_EQ(text(m.message_id), r.message_id);
}

TEST_F(send_handler_test, queue_minus_one_lets_the_broker_spread_messages_over_the_queues) {
  ASSERT_TRUE(topics->create("spread", {3, 6}));
  std::set<uint32_t> used;
  for (int i = 0; i < 6; ++i) {
    const auto answer = call(wire::code::send, message("spread", -1, "x"));
    ASSERT_EQ(status(answer), wire::status::ok) << error_text(answer);
    used.insert(sent(answer).queue_id);
  }
  EXPECT_EQ(used, (std::set<uint32_t>{0, 1, 2}));
  EXPECT_EQ(stored_in("spread", 0) + stored_in("spread", 1) + stored_in("spread", 2), 6u);
}

TEST_F(send_handler_test, a_batch_is_stored_in_order_with_consecutive_offsets) {
  ASSERT_TRUE(topics->create("batch", {1, 6}));
  wire::send_batch_request b;
  for (int i = 0; i < 5; ++i) b.messages.push_back(message("batch", 0, "m" + std::to_string(i)));
  const auto answer = call(wire::code::send_batch, b);
  ASSERT_EQ(status(answer), wire::status::ok) << error_text(answer);
  const wire::frame_header h = header_of(answer);
  auto r = wire::decode<wire::send_batch_response>(wire::frame_body(answer, h), h.code,
                                                   wire::kind::response);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->results.size(), 5u);
  for (uint64_t i = 0; i < 5; ++i) EXPECT_EQ(r->results[i].queue_offset, i);
}

TEST_F(send_handler_test, an_unknown_topic_is_created_with_the_default_queues) {
  const auto answer = call(wire::code::send, message("fresh", -1, "x"));
  ASSERT_EQ(status(answer), wire::status::ok) << error_text(answer);
  const auto created = topics->find("fresh");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->queues, 3u);
}

TEST_F(send_handler_test, an_unknown_topic_without_auto_creation_is_no_topic) {
  open(false);
  const auto answer = call(wire::code::send, message("nowhere", 0, "x"));
  EXPECT_EQ(status(answer), wire::status::no_topic);
  EXPECT_NE(error_text(answer).find("nowhere"), std::string::npos) << error_text(answer);
}

TEST_F(send_handler_test, refusals_name_their_cause_and_store_nothing) {
  ASSERT_TRUE(topics->create("small", {2, 6}));
  ASSERT_TRUE(topics->create("readonly", {1, 4}));
  const auto no_queue = call(wire::code::send, message("small", 2, "x"));
  EXPECT_EQ(status(no_queue), wire::status::no_queue);
  EXPECT_NE(error_text(no_queue).find("2 queues"), std::string::npos) << error_text(no_queue);

  const auto too_large = call(wire::code::send, message("small", 0, std::string(1025, 'b')));
  EXPECT_EQ(status(too_large), wire::status::message_too_large);
  EXPECT_NE(error_text(too_large).find("1025"), std::string::npos) << error_text(too_large);

  const auto read_only = call(wire::code::send, message("readonly", 0, "x"));
  EXPECT_EQ(status(read_only), wire::status::no_permission);

  const auto bad_name = call(wire::code::send, message("a b", 0, "x"));
  EXPECT_EQ(status(bad_name), wire::status::invalid_argument);

  const auto system = call(wire::code::send, message("RMQ_SYS_TRANS_HALF_TOPIC", 0, "x"));
  EXPECT_EQ(status(system), wire::status::no_permission);
  EXPECT_NE(error_text(system).find("broker's own"), std::string::npos) << error_text(system);
  EXPECT_FALSE(topics->find("RMQ_SYS_TRANS_HALF_TOPIC"));

  wire::send_batch_request mixed;
  mixed.messages = {message("small", 0, "x"), message("small", 1, "y")};
  const auto mix = call(wire::code::send_batch, mixed);
  EXPECT_EQ(status(mix), wire::status::invalid_argument);
  EXPECT_NE(error_text(mix).find("message 1"), std::string::npos) << error_text(mix);

  EXPECT_EQ(stored_in("small", 0) + stored_in("small", 1) + stored_in("readonly", 0), 0u);
}

TEST_F(send_handler_test, a_delayed_message_is_parked_in_the_timer_topic_not_its_own) {
  ASSERT_TRUE(topics->create("small", {2, 6}));
  wire::message m = message("small", 1, "later");
  m.properties.push_back({"DELAY", "3"});
  const auto answer = call(wire::code::send, m);
  ASSERT_EQ(status(answer), wire::status::ok) << error_text(answer);
  EXPECT_EQ(sent(answer).queue_id, 1u);
  EXPECT_EQ(stored_in("small", 1), 0u);
  EXPECT_EQ(stored_in("rmq_sys_wheel_timer", 0), 1u);
  timer->arrived(1);  // what the store's arrival listener does in berthd
  EXPECT_EQ(timer->run_due(), 0u);
  EXPECT_EQ(timer->pending(), 1u);

  wire::message past = message("small", 0, "now");  // a time already passed: stored at once
  past.properties.push_back({"TIMER_DELIVER_MS", "1000"});
  ASSERT_EQ(status(call(wire::code::send, past)), wire::status::ok);
  EXPECT_EQ(stored_in("small", 0), 1u);
}

TEST_F(send_handler_test, bad_delays_are_invalid_delay_and_store_nothing) {
  ASSERT_TRUE(topics->create("small", {2, 6}));
  const std::vector<std::pair<std::string, std::string>> bad{
      {"DELAY", "19"}, {"DELAY", "0"}, {"DELAY", "x"}, {"TIMER_DELIVER_MS", "-1"},
      {"TIMER_DELIVER_MS", "99999999999999"}};
  for (const auto& [name, value] : bad) {
    wire::message m = message("small", 0, "x");
    m.properties.push_back({name, value});
    const auto answer = call(wire::code::send, m);
    EXPECT_EQ(status(answer), wire::status::invalid_delay) << name << "=" << value;
    EXPECT_NE(error_text(answer).find(value), std::string::npos) << error_text(answer);
  }
  wire::send_batch_request batch;
  batch.messages = {message("small", 0, "x"), message("small", 0, "y")};
  batch.messages[1].properties.push_back({"DELAY", "1"});
  const auto refused = call(wire::code::send_batch, batch);
  EXPECT_EQ(status(refused), wire::status::invalid_delay);
  EXPECT_NE(error_text(refused).find("batch"), std::string::npos) << error_text(refused);
  EXPECT_EQ(stored_in("small", 0) + stored_in("rmq_sys_wheel_timer", 0), 0u);
}

TEST_F(send_handler_test, a_truncated_message_is_malformed_naming_the_field) {
  std::vector<uint8_t> frame = request_frame(wire::code::send, 1, message("small", 0, "body"));
  frame.resize(frame.size() - 6);
  const uint32_t length = static_cast<uint32_t>(frame.size() - 4);
  for (int i = 0; i < 4; ++i) frame[static_cast<size_t>(i)] = static_cast<uint8_t>(length >> (8 * i));
  routes.route(conn, frame);
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(status(transport.sent[0]), wire::status::malformed_request);
  EXPECT_NE(error_text(transport.sent[0]).find("body"), std::string::npos)
      << error_text(transport.sent[0]);
}

}  // namespace
}  // namespace berth::kernel::produce
