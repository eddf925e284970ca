// SEND_BACK through the router and a fake transport, on the memory store with a test clock:
// a retry parked with its backoff and delivered to the retry topic when due, dead letters after
// the last retry, and every refusal storing nothing.
#include "fake_transport.hpp"
#include "store_fixture.hpp"

#include "retry/send_back_handler.hpp"
#include "store/message_view.hpp"
#include "topic/system_topics.hpp"

#include <berth/wire/properties.hpp>
#include <berth/wire/retry_bodies.hpp>

#include <gtest/gtest.h>

namespace berth::kernel::retry {
namespace {

using namespace std::chrono_literals;
using protocol::test::error_text;
using protocol::test::fake_transport;
using protocol::test::header_of;
using protocol::test::request_frame;
namespace properties = wire::properties;

const int64_t t0 = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();

std::string_view body_of(const berth_message_view& m) {
  return {reinterpret_cast<const char*>(m.body.ptr), m.body.len};
}

class send_back_handler_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = topic::topic_table::open(dir.path(), {false, 4});
    ASSERT_TRUE(opened) << opened.error().message;
    topics = std::move(opened).value();
    ASSERT_TRUE(topics->create("orders", {2, 6}));
    auto harness = test::store_harness::open(test::store_plugin_path("memory"), "");
    ASSERT_TRUE(harness) << harness.error().message;
    store = std::move(harness).value();
    timer::timer_settings timing;
    timing.checkpoint_file = timer::timer_checkpoint_path(dir.path());
    timing.clock = [this] { return now.load(); };
    timing.automatic = false;
    auto opened_timer = timer::timer_service::open(*topics, store->store(), scheduler, timing);
    ASSERT_TRUE(opened_timer) << opened_timer.error().message;
    timer = std::move(opened_timer).value();
    add_send_back_handler(routes, *topics, store->store(), *timer, {3});
  }

  // Store a message in orders/1 as a consumer would have read it; returns its offset.
  uint64_t stored(uint32_t reconsume_times = 0) {
    store::message_builder m("orders", 1);
    m.tags("paid").keys("k1").property("color", "blue").body("payload");
    m.reconsume_times(reconsume_times);
    const berth_message_view* views[] = {&m.view()};
    auto appended = store->store().append(views);
    EXPECT_TRUE(appended) << appended.error().message;
    return appended ? appended.value().front().queue_offset : 0;
  }

  std::vector<uint8_t> call(const wire::send_back_request& body) {
    const size_t before = transport.sent.size();
    routes.route(conn, request_frame(wire::code::send_back, ++next_id, body));
    EXPECT_EQ(transport.sent.size(), before + 1) << "no answer";
    if (transport.sent.size() != before + 1) return {};
    return transport.sent.back();
  }
  static wire::status status(const std::vector<uint8_t>& frame) { return header_of(frame).status; }
  static wire::send_back_response answered(const std::vector<uint8_t>& frame) {
    const wire::frame_header h = header_of(frame);
    auto r = wire::decode<wire::send_back_response>(wire::frame_body(frame, h), h.code,
                                                    wire::kind::response);
    EXPECT_TRUE(r) << r.error().message;
    return r ? r.value() : wire::send_back_response{};
  }
  wire::send_back_request request(uint64_t offset, int32_t level = 0) {
    return {"billing", "orders", 1, offset, level, 0};
  }
  // The timer learns of parked messages from the store's arrival listener in berthd.
  void timer_sees_arrivals() {
    auto b = store->store().bounds_or_empty(topic::timer_topic, 0);
    ASSERT_TRUE(b);
    timer->arrived(b.value().max_offset);
  }
  uint64_t count_in(std::string_view topic) {
    auto b = store->store().bounds_or_empty(topic, 0);
    return b ? b.value().max_offset : 0;
  }
  store::read_result first_in(std::string_view topic) {
    auto r = store->store().read({.topic = topic, .queue_id = 0, .offset = 0, .max_messages = 1});
    EXPECT_TRUE(r && r.value().found()) << topic;
    return std::move(r).value();
  }

  berth::test::temp_dir dir;
  topic::topic_table_ptr topics;
  std::unique_ptr<test::store_harness> store;
  executor::scheduler scheduler{1};
  std::atomic<int64_t> now{t0};
  std::unique_ptr<timer::timer_service> timer;
  fake_transport transport;
  protocol::router routes;
  protocol::connection_ptr conn = std::make_shared<protocol::connection>(
      transport.ops, &transport, fake_transport::info(), "transport-tcp");
  uint64_t next_id = 0;
};

TEST_F(send_back_handler_test, a_failed_message_returns_through_the_retry_topic_after_its_backoff) {
  const uint64_t offset = stored();
  const auto answer = call(request(offset));
  ASSERT_EQ(status(answer), wire::status::ok) << error_text(answer);
  const wire::send_back_response r = answered(answer);
  EXPECT_FALSE(r.dead_lettered);
  EXPECT_EQ(r.reconsume_times, 1u);
  EXPECT_EQ(r.deliver_at_ms, t0 + 10'000) << "the first retry waits level 3: 10 s";
  EXPECT_TRUE(topics->find("%RETRY%billing")) << "the group's retry topic is made on first use";

  timer_sees_arrivals();
  now = t0 + 9'999;
  EXPECT_EQ(timer->run_due(), 0u);
  EXPECT_EQ(count_in("%RETRY%billing"), 0u) << "not before its time";
  now = t0 + 10'000;
  EXPECT_EQ(timer->run_due(), 1u);
  ASSERT_EQ(count_in("%RETRY%billing"), 1u);
  const auto retried = first_in("%RETRY%billing");
  const berth_message_view& m = retried[0];
  EXPECT_EQ(body_of(m), "payload");
  EXPECT_EQ(store::text_of(m.tags), "paid");
  EXPECT_EQ(m.reconsume_times, 1u);
  EXPECT_EQ(store::property_of(m, properties::retry_topic), "orders");
  EXPECT_EQ(store::property_of(m, "color"), "blue");
  EXPECT_FALSE(store::property_of(m, properties::real_topic)) << "timer bookkeeping removed";
}

TEST_F(send_back_handler_test, the_retry_of_a_retry_waits_the_next_level) {
  const uint64_t offset = stored(2);
  const auto answer = call(request(offset));
  ASSERT_EQ(status(answer), wire::status::ok) << error_text(answer);
  EXPECT_EQ(answered(answer).deliver_at_ms, t0 + 60'000) << "third retry: level 5, 1 min";
  EXPECT_EQ(answered(answer).reconsume_times, 3u);
}

TEST_F(send_back_handler_test, after_max_reconsume_retries_the_message_is_a_dead_letter) {
  const uint64_t offset = stored(3);  // the broker's max_reconsume here is 3
  const auto answer = call(request(offset));
  ASSERT_EQ(status(answer), wire::status::ok) << error_text(answer);
  const wire::send_back_response r = answered(answer);
  EXPECT_TRUE(r.dead_lettered);
  EXPECT_EQ(r.deliver_at_ms, 0);
  ASSERT_EQ(count_in("%DLQ%billing"), 1u);
  const auto dead = first_in("%DLQ%billing");
  EXPECT_EQ(body_of(dead[0]), "payload");
  EXPECT_EQ(store::property_of(dead[0], properties::dead_letter_origin_topic), "orders");
  EXPECT_EQ(store::text_of(dead[0].message_id), r.message_id);
  EXPECT_EQ(count_in(topic::timer_topic), 0u) << "no retry parked";
}

TEST_F(send_back_handler_test, the_requests_max_reconsume_overrides_the_brokers) {
  const uint64_t offset = stored(3);
  auto req = request(offset);
  req.max_reconsume = 5;
  const auto answer = call(req);
  ASSERT_EQ(status(answer), wire::status::ok) << error_text(answer);
  EXPECT_FALSE(answered(answer).dead_lettered);
}

TEST_F(send_back_handler_test, level_minus_one_sends_to_the_dead_letters_at_once) {
  const uint64_t offset = stored();
  const auto answer = call(request(offset, wire::send_back_to_dead_letters));
  ASSERT_EQ(status(answer), wire::status::ok) << error_text(answer);
  EXPECT_TRUE(answered(answer).dead_lettered);
  EXPECT_EQ(count_in("%DLQ%billing"), 1u);
}

TEST_F(send_back_handler_test, each_bad_request_gets_its_status_and_stores_nothing) {
  const uint64_t offset = stored();
  struct bad_case {
    wire::send_back_request req;
    wire::status expected;
  };
  const std::vector<bad_case> cases{
      {{"", "orders", 1, offset, 0, 0}, wire::status::invalid_argument},
      {{"billing", "nowhere", 0, 0, 0, 0}, wire::status::no_topic},
      {{"billing", "orders", 7, offset, 0, 0}, wire::status::no_queue},
      {{"billing", "orders", 1, offset, 19, 0}, wire::status::invalid_delay},
      {{"billing", "orders", 1, offset, -2, 0}, wire::status::invalid_delay},
      {{"billing", "orders", 1, offset + 1, 0, 0}, wire::status::not_found},
      {{"billing", "orders", 0, 0, 0, 0}, wire::status::not_found},
      {{"billing", "orders", 1, offset, 0, 1001}, wire::status::invalid_argument},
  };
  for (const bad_case& c : cases) {
    const auto answer = call(c.req);
    EXPECT_EQ(status(answer), c.expected) << error_text(answer);
    EXPECT_FALSE(error_text(answer).empty());
  }
  EXPECT_FALSE(topics->find("%RETRY%billing"));
  EXPECT_FALSE(topics->find("%DLQ%billing"));
  EXPECT_EQ(count_in(topic::timer_topic), 0u);
}

}  // namespace
}  // namespace berth::kernel::retry
