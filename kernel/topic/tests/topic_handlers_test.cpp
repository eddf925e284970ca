// The TOPIC_* handlers through the router, a real connection and a fake transport, over a
// table in a temp dir and the memory store.
#include "fake_transport.hpp"
#include "store_fixture.hpp"

#include "store/message_builder.hpp"
#include "topic/topic_handlers.hpp"

#include <gtest/gtest.h>

namespace berth::kernel::topic {
namespace {

using protocol::test::error_text;
using protocol::test::fake_transport;
using protocol::test::header_of;
using protocol::test::request_frame;

class topic_handlers_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = topic_table::open(dir.path());
    ASSERT_TRUE(opened) << opened.error().message;
    topics = std::move(opened).value();
    auto harness = test::store_harness::open(test::store_plugin_path("memory"), "");
    ASSERT_TRUE(harness) << harness.error().message;
    store = std::move(harness).value();
    add_topic_handlers(routes, *topics, &store->store());
  }

  // Send one request and return its answer.
  template <class Body>
  std::vector<uint8_t> call(wire::code code, const Body& body) {
    const size_t before = transport.sent.size();
    routes.route(conn, request_frame(code, ++next_id, body));
    EXPECT_EQ(transport.sent.size(), before + 1) << "no answer";
    if (transport.sent.size() != before + 1) return {};
    EXPECT_EQ(header_of(transport.sent.back()).request_id, next_id);
    return transport.sent.back();
  }
  std::vector<uint8_t> create(std::string_view name, uint32_t queues, uint8_t perm = 6) {
    return call(wire::code::topic_create, wire::topic_create_request{name, queues, perm});
  }
  std::vector<uint8_t> describe(std::string_view name) {
    return call(wire::code::topic_describe, wire::topic_describe_request{name});
  }
  std::vector<uint8_t> remove(std::string_view name) {
    return call(wire::code::topic_delete, wire::topic_delete_request{name});
  }
  std::vector<std::string> list() {
    const auto frame = call(wire::code::topic_list, wire::topic_list_request{});
    const wire::frame_header h = header_of(frame);
    EXPECT_EQ(h.status, wire::status::ok);
    auto body = wire::decode<wire::topic_list_response>(wire::frame_body(frame, h), h.code,
                                                        wire::kind::response);
    EXPECT_TRUE(body) << body.error().message;
    return body ? std::vector<std::string>(body->names.begin(), body->names.end())
                : std::vector<std::string>{};
  }
  static wire::status status(const std::vector<uint8_t>& frame) { return header_of(frame).status; }
  static wire::topic_describe_response described(const std::vector<uint8_t>& frame) {
    const wire::frame_header h = header_of(frame);
    auto body = wire::decode<wire::topic_describe_response>(wire::frame_body(frame, h), h.code,
                                                            wire::kind::response);
    EXPECT_TRUE(body) << body.error().message;
    return body ? *body : wire::topic_describe_response{};
  }

  test::temp_dir dir;
  topic_table_ptr topics;
  std::unique_ptr<test::store_harness> store;
  fake_transport transport;
  protocol::router routes;
  protocol::connection_ptr conn = std::make_shared<protocol::connection>(
      transport.ops, &transport, fake_transport::info(), "transport-tcp");
  uint64_t next_id = 0;
};

TEST_F(topic_handlers_test, create_then_list_in_name_order) {
  EXPECT_EQ(status(create("zeta", 2)), wire::status::ok);
  EXPECT_EQ(status(create("alpha", 8, 4)), wire::status::ok);
  EXPECT_EQ(list(), (std::vector<std::string>{"alpha", "zeta"}));
  EXPECT_EQ(topics->find("alpha"), (topic_settings{8, 4}));
}

TEST_F(topic_handlers_test, list_of_no_topics_is_empty) { EXPECT_TRUE(list().empty()); }

TEST_F(topic_handlers_test, perm_is_optional_and_defaults_to_read_write) {
  std::vector<uint8_t> frame;
  wire::frame_builder b(frame, wire::request_header(wire::code::topic_create, 1));
  b.body().str("short");
  b.body().u32(3);  // no perm byte
  (void)b.finish();
  routes.route(conn, frame);
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(status(transport.sent[0]), wire::status::ok) << error_text(transport.sent[0]);
  EXPECT_EQ(topics->find("short"), (topic_settings{3, wire::default_perm}));
}

TEST_F(topic_handlers_test, an_identical_recreate_is_ok_a_different_one_topic_exists) {
  ASSERT_EQ(status(create("orders", 4)), wire::status::ok);
  EXPECT_EQ(status(create("orders", 4)), wire::status::ok);
  const auto frame = create("orders", 8);
  EXPECT_EQ(status(frame), wire::status::topic_exists);
  EXPECT_NE(error_text(frame).find("queues=4"), std::string::npos) << error_text(frame);
}

TEST_F(topic_handlers_test, invalid_values_are_invalid_argument_naming_the_field) {
  const std::tuple<std::string, uint32_t, uint8_t, std::string> cases[] = {
      {"bad name", 4, 6, "topic:"},
      {"", 4, 6, "topic:"},
      {std::string(256, 'x'), 4, 6, "topic:"},
      {"ok", 0, 6, "queues:"},
      {"ok", 1025, 6, "queues:"},
      {"ok", 4, 1, "perm:"},
  };
  for (const auto& [name, queues, perm, field] : cases) {
    const auto frame = create(name, queues, perm);
    EXPECT_EQ(status(frame), wire::status::invalid_argument) << name;
    EXPECT_EQ(error_text(frame).rfind(field, 0), 0u) << error_text(frame);
  }
  EXPECT_TRUE(list().empty());
}

TEST_F(topic_handlers_test, describe_gives_settings_and_store_bounds_per_queue) {
  ASSERT_EQ(status(create("orders", 3, 4)), wire::status::ok);
  std::vector<store::message_builder> batch;
  for (int i = 0; i < 5; ++i) batch.emplace_back("orders", 1).body("m" + std::to_string(i));
  std::vector<const berth_message_view*> views;
  for (auto& m : batch) views.push_back(&m.view());
  auto appended = store->store().append(views);
  ASSERT_TRUE(appended) << appended.error().message;

  const auto out = described(describe("orders"));
  EXPECT_EQ(out.queues, 3u);
  EXPECT_EQ(out.perm, 4);
  ASSERT_EQ(out.queue_states.size(), 3u);
  EXPECT_EQ(out.queue_states[0], (wire::queue_state{0, 0, 0})) << "never written: 0/0";
  EXPECT_EQ(out.queue_states[1], (wire::queue_state{1, 0, 5}));
  EXPECT_EQ(out.queue_states[2], (wire::queue_state{2, 0, 0}));
}

TEST_F(topic_handlers_test, describe_and_delete_of_an_unknown_topic_are_no_topic) {
  const auto described_frame = describe("never");
  EXPECT_EQ(status(described_frame), wire::status::no_topic);
  EXPECT_NE(error_text(described_frame).find("'never'"), std::string::npos);
  EXPECT_EQ(status(remove("never")), wire::status::no_topic);
}

TEST_F(topic_handlers_test, delete_removes_the_topic_but_not_its_messages) {
  ASSERT_EQ(status(create("orders", 1)), wire::status::ok);
  store::message_builder m("orders", 0);
  m.body("kept");
  const berth_message_view* views[] = {&m.view()};
  ASSERT_TRUE(store->store().append(views));

  EXPECT_EQ(status(remove("orders")), wire::status::ok);
  EXPECT_TRUE(list().empty());
  EXPECT_EQ(status(describe("orders")), wire::status::no_topic);
  auto bounds = store->store().bounds("orders", 0);
  ASSERT_TRUE(bounds);
  EXPECT_EQ(bounds.value().max_offset, 1u);
}

TEST_F(topic_handlers_test, a_malformed_body_is_malformed_request_naming_the_field) {
  std::vector<uint8_t> frame;
  wire::frame_builder b(frame, wire::request_header(wire::code::topic_create, 1));
  b.body().str("orders");  // no queues
  (void)b.finish();
  routes.route(conn, frame);
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(status(transport.sent[0]), wire::status::malformed_request);
  EXPECT_NE(error_text(transport.sent[0]).find("queues"), std::string::npos)
      << error_text(transport.sent[0]);
}

TEST_F(topic_handlers_test, without_a_store_every_queue_is_zero) {
  protocol::router bare;
  add_topic_handlers(bare, *topics, nullptr);
  ASSERT_TRUE(topics->create("orders", {2, 6}));
  bare.route(conn, request_frame(wire::code::topic_describe, 9,
                                 wire::topic_describe_request{"orders"}));
  ASSERT_EQ(transport.sent.size(), 1u);
  const auto out = described(transport.sent[0]);
  EXPECT_EQ(out.queue_states,
            (std::vector<wire::queue_state>{{0, 0, 0}, {1, 0, 0}}));
}

}  // namespace
}  // namespace berth::kernel::topic
