// The transaction service through the router, real connections and fake transports, over a
// topic table in a temp dir and the memory store: half messages, END_TRANSACTION and every
// refusal, check-back, parking after max_checks, and a restart (a new service over the same
// store and data dir).
#include "fake_transport.hpp"
#include "process.hpp"
#include "store_fixture.hpp"

#include "store/message_view.hpp"
#include "topic/system_topics.hpp"
#include "transaction/half_messages.hpp"
#include "transaction/transaction_service.hpp"

#include <berth/wire/properties.hpp>
#include <berth/wire/transaction_bodies.hpp>

#include <gtest/gtest.h>

#include <list>
#include <thread>

namespace berth::kernel::transaction {
namespace {

using namespace std::chrono_literals;
using protocol::test::error_text;
using protocol::test::fake_transport;
using protocol::test::header_of;
using protocol::test::request_frame;
using wire::transaction_resolution;
namespace properties = wire::properties;

// A client connection over its own fake transport.
struct client {
  fake_transport transport;
  protocol::connection_ptr conn = std::make_shared<protocol::connection>(
      transport.ops, &transport, fake_transport::info(), "transport-tcp");

  size_t count() {
    std::lock_guard lock(transport.mutex);
    return transport.sent.size();
  }
  std::vector<uint8_t> frame(size_t i) {
    std::lock_guard lock(transport.mutex);
    return transport.sent.at(i);
  }
  // Wait until more than `n` frames were sent; the (n+1)th.
  std::vector<uint8_t> wait_past(size_t n) {
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (count() <= n && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(1ms);
    }
    EXPECT_GT(count(), n) << "nothing was sent";
    return count() > n ? frame(n) : std::vector<uint8_t>{};
  }
};

class transaction_service_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = topic::topic_table::open(dir.path(), {true, 2});
    ASSERT_TRUE(opened) << opened.error().message;
    topics = std::move(opened).value();
    auto harness = test::store_harness::open(test::store_plugin_path("memory"), "");
    ASSERT_TRUE(harness) << harness.error().message;
    store = std::move(harness).value();
    start_service();
  }
  void TearDown() override { stop_service(); }

  // Check rounds run only when a test asks (check_now_for_test).
  void start_service(uint32_t max_checks = 15) {
    service = std::make_unique<transaction_service>(
        *topics, store->store(), scheduler, transaction_settings{1h, 0s, max_checks}, dir.path());
    auto started = service->start();
    ASSERT_TRUE(started) << started.error().message;
    routes = std::make_unique<protocol::router>();
    service->add_handlers(*routes);
    produce::add_produce_handlers(*routes, *topics, store->store(), {1024, service.get()},
                                  nullptr);
  }
  void stop_service() {
    if (service) service->stop();
    service.reset();
  }
  void restart(uint32_t max_checks = 15) {
    stop_service();
    start_service(max_checks);
  }

  std::vector<uint8_t> call(client& from, wire::code code, const auto& body) {
    const size_t before = from.count();
    routes->route(from.conn, request_frame(code, ++next_id, body));
    return from.wait_past(before);
  }
  static wire::status status(const std::vector<uint8_t>& frame) { return header_of(frame).status; }

  wire::message half_message(std::string_view topic, int32_t queue, std::string_view body,
                             std::vector<wire::property> extra = {}) {
    props.push_back({{properties::transaction_prepared, "true"},
                     {properties::producer_group, "producers"},
                     {"color", "blue"}});
    for (const auto& p : extra) props.back().push_back(p);
    bodies.emplace_back(body);
    wire::message m;
    m.topic = topic;
    m.queue_id = queue;
    m.tags = "TagA";
    m.properties = props.back();
    m.body = std::span(reinterpret_cast<const uint8_t*>(bodies.back().data()), bodies.back().size());
    return m;
  }
  // Send a half message; its send result (the transaction id is its message id).
  wire::send_result send_half(std::string_view topic = "orders", int32_t queue = 1) {
    answers.push_back(call(producer, wire::code::send, half_message(topic, queue, "payload")));
    EXPECT_EQ(status(answers.back()), wire::status::ok) << error_text(answers.back());
    const wire::frame_header h = header_of(answers.back());
    auto r = wire::decode<wire::send_result>(wire::frame_body(answers.back(), h), h.code,
                                             wire::kind::response);
    EXPECT_TRUE(r);
    return r ? r.value() : wire::send_result{};
  }
  std::vector<uint8_t> end(const wire::send_result& half, transaction_resolution how,
                           std::string_view group = "producers", bool from_check = false) {
    return call(producer, wire::code::end_transaction,
                wire::end_transaction_request{group, half.message_id, half.queue_offset, how,
                                              from_check});
  }
  uint64_t stored_in(std::string_view topic, uint32_t queue = 0) {
    auto b = store->store().bounds_or_empty(topic, queue);
    return b ? b.value().max_offset : 0;
  }
  void register_producer(client& c) {
    EXPECT_EQ(status(call(c, wire::code::producer_register,
                          wire::producer_register_request{"client-1", "producers"})),
              wire::status::ok);
  }

  berth::test::temp_dir dir;
  executor::scheduler scheduler{1};
  topic::topic_table_ptr topics;
  std::unique_ptr<test::store_harness> store;
  std::unique_ptr<transaction_service> service;
  std::unique_ptr<protocol::router> routes;
  client producer;
  uint64_t next_id = 0;
  std::list<std::string> bodies;
  std::list<std::vector<wire::property>> props;
  std::list<std::vector<uint8_t>> answers;
};

TEST_F(transaction_service_test, a_half_waits_invisible_and_a_commit_makes_it_visible_once) {
  const wire::send_result half = send_half("orders", 1);
  EXPECT_EQ(half.message_id.size(), 32u);
  EXPECT_EQ(half.queue_id, 0u);
  EXPECT_EQ(stored_in("orders", 1), 0u);
  EXPECT_EQ(stored_in(topic::transaction_half_topic), 1u);
  EXPECT_EQ(service->table_for_test().pending_count(), 1u);

  const auto committed = end(half, transaction_resolution::commit);
  ASSERT_EQ(status(committed), wire::status::ok) << error_text(committed);
  ASSERT_EQ(stored_in("orders", 1), 1u);
  auto real = store->store().read({.topic = "orders", .queue_id = 1, .offset = 0});
  ASSERT_TRUE(real && real.value().found());
  const berth_message_view& v = real.value()[0];
  EXPECT_EQ(store::property_of(v, "color"), "blue");
  EXPECT_EQ(store::property_of(v, properties::transaction_id), half.message_id);
  EXPECT_FALSE(store::property_of(v, properties::transaction_prepared));
  EXPECT_FALSE(store::property_of(v, properties::real_topic));
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(v.body.ptr), v.body.len), "payload");
  EXPECT_EQ(stored_in(topic::transaction_op_topic), 1u);

  // Resolved once: a second commit or a rollback is refused and stores nothing.
  const auto again = end(half, transaction_resolution::commit);
  EXPECT_EQ(status(again), wire::status::transaction_resolved) << error_text(again);
  EXPECT_EQ(status(end(half, transaction_resolution::rollback)),
            wire::status::transaction_resolved);
  EXPECT_EQ(stored_in("orders", 1), 1u);
  EXPECT_EQ(stored_in(topic::transaction_op_topic), 1u);
  EXPECT_EQ(service->table_for_test().pending_count(), 0u);
}

TEST_F(transaction_service_test, a_rollback_is_never_visible_and_cannot_be_committed_after) {
  const wire::send_result half = send_half("orders", 0);
  ASSERT_EQ(status(end(half, transaction_resolution::rollback)), wire::status::ok);
  const auto commit = end(half, transaction_resolution::commit);
  EXPECT_EQ(status(commit), wire::status::transaction_resolved) << error_text(commit);
  EXPECT_EQ(stored_in("orders", 0), 0u);
  EXPECT_EQ(stored_in(topic::transaction_op_topic), 1u);
}

TEST_F(transaction_service_test, unknown_leaves_it_pending) {
  const wire::send_result half = send_half();
  EXPECT_EQ(status(end(half, transaction_resolution::unknown)), wire::status::ok);
  EXPECT_EQ(service->table_for_test().pending_count(), 1u);
  EXPECT_EQ(stored_in(topic::transaction_op_topic), 0u);
}

TEST_F(transaction_service_test, bad_end_transactions_get_specific_errors_and_change_nothing) {
  const wire::send_result half = send_half();
  wire::send_result other_id = half;
  other_id.message_id = "00000000000000000000000000000000";
  EXPECT_EQ(status(end(other_id, transaction_resolution::commit)),
            wire::status::unknown_transaction);
  EXPECT_EQ(status(end(half, transaction_resolution::commit, "others")),
            wire::status::unknown_transaction);
  wire::send_result other_offset = half;
  other_offset.queue_offset = 9;
  EXPECT_EQ(status(end(other_offset, transaction_resolution::commit)),
            wire::status::unknown_transaction);
  EXPECT_EQ(status(end(other_offset, transaction_resolution::unknown)),
            wire::status::unknown_transaction);
  EXPECT_EQ(status(call(producer, wire::code::end_transaction,
                        wire::end_transaction_request{"producers", half.message_id,
                                                      half.queue_offset,
                                                      static_cast<transaction_resolution>(7),
                                                      false})),
            wire::status::invalid_argument);
  EXPECT_EQ(status(call(producer, wire::code::end_transaction,
                        wire::end_transaction_request{"", half.message_id, half.queue_offset,
                                                      transaction_resolution::commit, false})),
            wire::status::invalid_argument);
  EXPECT_EQ(status(call(producer, wire::code::end_transaction,
                        wire::topic_request{"truncated"})),
            wire::status::malformed_request);
  EXPECT_EQ(stored_in("orders", 1), 0u);
  EXPECT_EQ(stored_in(topic::transaction_op_topic), 0u);
  EXPECT_EQ(service->table_for_test().pending_count(), 1u);
}

TEST_F(transaction_service_test, bad_half_messages_are_refused_before_anything_is_stored) {
  const auto refused = [&](const wire::message& m) { return status(call(producer, wire::code::send, m)); };
  EXPECT_EQ(refused(half_message("delayed", -1, "x", {{properties::delay_level, "3"}})),
            wire::status::invalid_argument);
  EXPECT_EQ(refused(half_message("timed", -1, "x", {{properties::deliver_at_ms, "1"}})),
            wire::status::invalid_argument);
  EXPECT_FALSE(topics->find("delayed"));  // refused before the send checks could create it
  wire::message no_group = half_message("orders", 0, "x");
  no_group.properties = {{properties::transaction_prepared, "true"}};
  EXPECT_EQ(refused(no_group), wire::status::invalid_argument);
  // The checks of a normal send apply to the real destination.
  EXPECT_EQ(refused(half_message("orders", 5, "x")), wire::status::no_queue);
  EXPECT_EQ(refused(half_message(topic::transaction_half_topic, 0, "x")),
            wire::status::no_permission);
  EXPECT_EQ(refused(half_message("orders", 0, std::string(2000, 'x'))),
            wire::status::message_too_large);
  wire::send_batch_request batch;
  batch.messages = {half_message("orders", 0, "x")};
  EXPECT_EQ(status(call(producer, wire::code::send_batch, batch)), wire::status::invalid_argument);
  EXPECT_EQ(stored_in(topic::transaction_half_topic), 0u);
}

TEST_F(transaction_service_test, a_check_back_asks_a_registered_producer_which_answers) {
  const wire::send_result half = send_half();
  service->check_now_for_test();  // nobody to ask: not counted
  client checker;
  register_producer(checker);
  const size_t before = checker.count();
  service->check_now_for_test();
  const std::vector<uint8_t> pushed = checker.wait_past(before);
  const wire::frame_header h = header_of(pushed);
  ASSERT_EQ(h.kind, wire::kind::push);
  ASSERT_EQ(h.code, wire::code::check_transaction);
  auto push = wire::decode<wire::check_transaction_push>(wire::frame_body(pushed, h), h.code,
                                                         wire::kind::push);
  ASSERT_TRUE(push) << push.error().message;
  EXPECT_EQ(push->transaction_id, half.message_id);
  EXPECT_EQ(push->half_offset, half.queue_offset);
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(push->half.body.data()),
                             push->half.body.size()),
            "payload");
  EXPECT_EQ(service->table_for_test().find(half.queue_offset)->checks, 1u);

  const auto answered = call(checker, wire::code::end_transaction,
                             wire::end_transaction_request{"producers", push->transaction_id,
                                                           push->half_offset,
                                                           transaction_resolution::commit, true});
  ASSERT_EQ(status(answered), wire::status::ok) << error_text(answered);
  EXPECT_EQ(stored_in("orders", 1), 1u);
}

TEST_F(transaction_service_test, after_max_checks_the_half_is_parked_and_counts_as_rolled_back) {
  restart(2);
  const wire::send_result half = send_half();
  client checker;
  register_producer(checker);
  service->check_now_for_test();
  service->check_now_for_test();
  EXPECT_EQ(service->table_for_test().find(half.queue_offset)->checks, 2u);
  EXPECT_EQ(stored_in(topic::transaction_check_exhausted_topic), 0u);
  service->check_now_for_test();
  EXPECT_EQ(stored_in(topic::transaction_check_exhausted_topic), 1u);
  EXPECT_EQ(service->table_for_test().pending_count(), 0u);
  EXPECT_EQ(status(end(half, transaction_resolution::commit)), wire::status::transaction_resolved);
  EXPECT_EQ(stored_in("orders", 1), 0u);
  auto parked = store->store().read({.topic = topic::transaction_check_exhausted_topic});
  ASSERT_TRUE(parked && parked.value().found());
  EXPECT_EQ(store::property_of(parked.value()[0], properties::real_topic), "orders");
}

TEST_F(transaction_service_test, a_restart_finds_unresolved_halves_and_their_check_counts) {
  const wire::send_result resolved = send_half();
  const wire::send_result open = send_half();
  ASSERT_EQ(status(end(resolved, transaction_resolution::rollback)), wire::status::ok);
  client checker;
  register_producer(checker);
  service->check_now_for_test();
  restart(2);
  EXPECT_EQ(service->table_for_test().pending_count(), 1u);
  ASSERT_TRUE(service->table_for_test().find(open.queue_offset));
  EXPECT_EQ(service->table_for_test().find(open.queue_offset)->checks, 1u);
  EXPECT_EQ(status(end(resolved, transaction_resolution::commit)),
            wire::status::transaction_resolved);
  const auto commit = end(open, transaction_resolution::commit);
  ASSERT_EQ(status(commit), wire::status::ok) << error_text(commit);
  EXPECT_EQ(stored_in("orders", 1), 1u);
  restart();
  EXPECT_EQ(service->table_for_test().pending_count(), 0u);
}

TEST_F(transaction_service_test, a_commit_stored_before_a_crash_is_not_stored_again) {
  const wire::send_result half = send_half();
  // What a crash between the real append and the op record leaves: the copy, no op record.
  auto stored_half = store->store().read({.topic = topic::transaction_half_topic});
  ASSERT_TRUE(stored_half && stored_half.value().found());
  auto copy = committed_copy_of(stored_half.value()[0]);
  ASSERT_TRUE(copy);
  const berth_message_view* views[] = {&copy->view()};
  ASSERT_TRUE(store->store().append(views));
  restart();
  ASSERT_EQ(service->table_for_test().pending_count(), 1u);
  const auto commit = end(half, transaction_resolution::commit);
  ASSERT_EQ(status(commit), wire::status::ok) << error_text(commit);
  EXPECT_EQ(stored_in("orders", 1), 1u);
  EXPECT_EQ(service->table_for_test().pending_count(), 0u);
}

TEST_F(transaction_service_test, a_check_back_after_a_crash_finds_the_commit_without_asking) {
  send_half();
  auto stored_half = store->store().read({.topic = topic::transaction_half_topic});
  ASSERT_TRUE(stored_half && stored_half.value().found());
  auto copy = committed_copy_of(stored_half.value()[0]);
  ASSERT_TRUE(copy);
  const berth_message_view* views[] = {&copy->view()};
  ASSERT_TRUE(store->store().append(views));
  restart();
  client checker;
  register_producer(checker);
  const size_t before = checker.count();
  // The key index may trail the append a little.
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (service->table_for_test().pending_count() > 0 && std::chrono::steady_clock::now() < until) {
    service->check_now_for_test();
    if (service->table_for_test().pending_count() > 0) std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(service->table_for_test().pending_count(), 0u);
  EXPECT_EQ(stored_in("orders", 1), 1u);
  EXPECT_EQ(checker.count(), before);  // the producer was not asked
}

}  // namespace
}  // namespace berth::kernel::transaction
