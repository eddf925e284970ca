// The router through a real connection and a fake transport: every refusal has its status,
// garbage closes the connection, everything else leaves it open.
#include "fake_transport.hpp"

#include "protocol/hello.hpp"
#include "protocol/router.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace berth::kernel::protocol {
namespace {

using test::error_text;
using test::fake_transport;
using test::header_of;
using test::request_frame;

class router_test : public ::testing::Test {
 protected:
  router_test() {
    routes.add(wire::code::hello, hello_handler({"berth-test", "9.9.9", 4u << 20}, clients));
    routes.add(wire::code::topic_list, [](const request&, const responder&) {
      throw std::runtime_error("the topic table is on fire");
    });
  }

  std::vector<uint8_t> hello(uint64_t id, uint32_t flags = 0) {
    wire::hello_request h;
    h.client_id = "client-1";
    h.client_version = "1.0";
    return request_frame(wire::code::hello, id, h, flags);
  }

  fake_transport transport;
  client_directory clients;
  router routes;
  connection_ptr conn = std::make_shared<connection>(transport.ops, &transport,
                                                     fake_transport::info(), "transport-tcp");
};

TEST_F(router_test, hello_is_answered_with_the_broker_and_its_limits) {
  routes.route(conn, hello(42));
  ASSERT_EQ(transport.sent.size(), 1u);
  const auto& frame = transport.sent[0];
  const wire::frame_header h = header_of(frame);
  EXPECT_EQ(h.kind, wire::kind::response);
  EXPECT_EQ(h.status, wire::status::ok);
  EXPECT_EQ(h.code, wire::code::hello);
  EXPECT_EQ(h.request_id, 42u);
  auto body = wire::decode<wire::hello_response>(wire::frame_body(frame, h), h.code,
                                                 wire::kind::response);
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ(body->broker_name, "berth-test");
  EXPECT_EQ(body->broker_version, "9.9.9");
  EXPECT_EQ(body->version, 1);
  EXPECT_EQ(body->max_frame_size, 1u << 20);
  EXPECT_EQ(body->max_message_size, 4u << 20);
  EXPECT_TRUE(transport.closes.empty());
}

TEST_F(router_test, pipelined_requests_are_answered_each_with_its_own_id) {
  for (uint64_t id = 1; id <= 5; ++id) routes.route(conn, hello(id * 100));
  ASSERT_EQ(transport.sent.size(), 5u);
  for (uint64_t i = 0; i < 5; ++i) EXPECT_EQ(header_of(transport.sent[i]).request_id, (i + 1) * 100);
}

TEST_F(router_test, a_oneway_request_gets_no_answer) {
  routes.route(conn, hello(7, wire::flag_oneway));
  EXPECT_TRUE(transport.sent.empty());
}

TEST_F(router_test, an_unknown_code_is_answered_and_the_connection_stays_open) {
  std::vector<uint8_t> frame = hello(9);
  frame[8] = 0x77;  // code 0x77 = 119: not a request
  routes.route(conn, frame);
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(header_of(transport.sent[0]).status, wire::status::unknown_code);
  EXPECT_EQ(header_of(transport.sent[0]).request_id, 9u);
  EXPECT_NE(error_text(transport.sent[0]).find("119"), std::string::npos);
  EXPECT_TRUE(transport.closes.empty());
  routes.route(conn, hello(10));
  EXPECT_EQ(header_of(transport.sent[1]).status, wire::status::ok);
}

TEST_F(router_test, an_unknown_version_is_answered_with_the_version_spoken) {
  std::vector<uint8_t> frame = hello(11);
  frame[6] = 9;
  routes.route(conn, frame);
  ASSERT_EQ(transport.sent.size(), 1u);
  const wire::frame_header h = header_of(transport.sent[0]);
  EXPECT_EQ(h.status, wire::status::unsupported_version);
  EXPECT_EQ(h.version, 1);
  EXPECT_EQ(h.request_id, 11u);
  wire::reader r(wire::frame_body(transport.sent[0], h), h.code, wire::kind::response);
  EXPECT_FALSE(r.text("message").empty());
  EXPECT_EQ(r.u8("version"), 1);
  EXPECT_TRUE(transport.closes.empty());
}

TEST_F(router_test, a_bad_magic_is_garbage_answered_and_the_connection_closed) {
  std::vector<uint8_t> frame = hello(12);
  frame[4] = 'G';
  routes.route(conn, frame);
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(header_of(transport.sent[0]).status, wire::status::malformed_frame);
  EXPECT_EQ(header_of(transport.sent[0]).request_id, 0u);
  ASSERT_EQ(transport.closes.size(), 1u);
  EXPECT_NE(transport.closes[0].find("magic"), std::string::npos) << transport.closes[0];
}

TEST_F(router_test, a_truncated_body_is_answered_malformed_request_naming_the_field) {
  std::vector<uint8_t> frame = hello(13);
  frame.resize(frame.size() - 4);  // cut into client_version
  const uint32_t length = static_cast<uint32_t>(frame.size() - 4);
  for (int i = 0; i < 4; ++i) frame[static_cast<size_t>(i)] = static_cast<uint8_t>(length >> (8 * i));
  routes.route(conn, frame);
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(header_of(transport.sent[0]).status, wire::status::malformed_request);
  EXPECT_NE(error_text(transport.sent[0]).find("client_version"), std::string::npos)
      << error_text(transport.sent[0]);
  EXPECT_TRUE(transport.closes.empty());
}

TEST_F(router_test, a_response_sent_by_a_client_is_refused) {
  std::vector<uint8_t> frame = hello(14);
  frame[7] = static_cast<uint8_t>(wire::kind::response);
  routes.route(conn, frame);
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(header_of(transport.sent[0]).status, wire::status::invalid_argument);
}

TEST_F(router_test, a_handler_that_throws_is_answered_internal_with_its_message) {
  routes.route(conn, request_frame(wire::code::topic_list, 15, wire::hello_request{}));
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(header_of(transport.sent[0]).status, wire::status::internal);
  EXPECT_EQ(error_text(transport.sent[0]), "the topic table is on fire");
}

TEST_F(router_test, nothing_reaches_a_transport_after_the_connection_is_closed) {
  conn->mark_closed();
  routes.route(conn, hello(16));
  EXPECT_TRUE(transport.sent.empty());
  int released = 0;
  const berth_iovec part{"x", 1};
  EXPECT_FALSE(conn->send_parts(std::span(&part, 1), [](void* n) { ++*static_cast<int*>(n); },
                                &released));
  EXPECT_EQ(released, 1) << "parts of a send to a closed connection are released at once";
}

}  // namespace
}  // namespace berth::kernel::protocol
