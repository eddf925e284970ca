// transport-tcp in a real berthd, spoken to with raw sockets: HELLO, pipelining, and every way
// a client can misbehave, each answered with its status and affecting that client only.
#include "broker_fixture.hpp"
#include "wire_client.hpp"

#include <berth/wire/bodies.hpp>
#include <berth/wire/reader.hpp>

#include <csignal>
#include <set>
#include <thread>

namespace berth::test {
namespace {

using namespace std::chrono_literals;

std::string tcp_broker_config(const temp_dir& dir, const std::string& transport_keys = "") {
  return fmt::format(R"([admin]
listen = "127.0.0.1:0"

[broker]
name = "berth-tcp-test"
data_dir = "{}/data"
shutdown_timeout = "3s"

[store]
plugin = "memory"

[[transport]]
plugin = "tcp"
listen = "127.0.0.1:0"
max_frame_size = "1MiB"
{}
)",
                     dir.path().string(), transport_keys);
}

wire::hello_request hello() {
  wire::hello_request h;
  h.client_id = "it-client";
  h.client_version = "0";
  return h;
}

// A HELLO request frame, for the tests that send raw bytes.
std::vector<uint8_t> hello_frame(uint64_t id) {
  return request_frame(wire::code::hello, id, hello());
}

// HELLO on `client` works: the connection is alive and served.
void expect_hello_served(wire_client& client) {
  const auto answer = client.call(wire::code::hello, hello());
  ASSERT_TRUE(answer) << "no answer to HELLO";
  EXPECT_EQ(header_of(*answer).status, wire::status::ok);
  EXPECT_EQ(header_of(*answer).request_id, client.last_request_id());
}

class tcp_transport_test : public ::testing::Test {
 protected:
  void start(const std::string& transport_keys = "") {
    broker_ = std::make_unique<running_broker>(dir_, tcp_broker_config(dir_, transport_keys));
    endpoint_ = broker_->wait_for_endpoint();
    ASSERT_FALSE(endpoint_.empty()) << broker_->process().err();
  }
  void TearDown() override {
    if (!broker_) return;
    broker_->process().signal(SIGTERM);
    EXPECT_EQ(broker_->process().wait_exit(10s), 0) << broker_->process().err();
  }

  temp_dir dir_;
  std::unique_ptr<running_broker> broker_;
  std::string endpoint_;
};

TEST_F(tcp_transport_test, hello_names_the_broker_and_its_limits) {
  ASSERT_NO_FATAL_FAILURE(start());
  wire_client client(endpoint_);
  const auto answer = client.call(wire::code::hello, hello());
  ASSERT_TRUE(answer);
  const wire::frame_header h = header_of(*answer);
  EXPECT_EQ(h.kind, wire::kind::response);
  EXPECT_EQ(h.status, wire::status::ok);
  EXPECT_EQ(h.request_id, client.last_request_id());
  auto body = wire::decode<wire::hello_response>(wire::frame_body(*answer, h), h.code,
                                                 wire::kind::response);
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ(body->broker_name, "berth-tcp-test");
  EXPECT_EQ(body->version, 1);
  EXPECT_EQ(body->max_frame_size, 1u << 20);
  EXPECT_EQ(body->max_message_size, 4u << 20);
}

TEST_F(tcp_transport_test, pipelined_requests_in_one_write_are_each_answered) {
  ASSERT_NO_FATAL_FAILURE(start());
  wire_client client(endpoint_);
  std::vector<uint8_t> burst;
  for (uint64_t id = 1; id <= 20; ++id) {
    const std::vector<uint8_t> f = hello_frame(id);
    burst.insert(burst.end(), f.begin(), f.end());
  }
  client.send(burst);
  std::set<uint64_t> ids;
  for (int i = 0; i < 20; ++i) {
    const auto answer = client.read_frame();
    ASSERT_TRUE(answer) << "answer " << i << " missing";
    ids.insert(header_of(*answer).request_id);
  }
  EXPECT_EQ(ids.size(), 20u);
  EXPECT_EQ(*ids.begin(), 1u);
  EXPECT_EQ(*ids.rbegin(), 20u);
}

TEST_F(tcp_transport_test, garbage_closes_that_connection_only) {
  ASSERT_NO_FATAL_FAILURE(start());
  wire_client good(endpoint_);
  wire_client bad(endpoint_);
  ASSERT_NO_FATAL_FAILURE(expect_hello_served(good));
  bad.send(std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  const auto answer = bad.read_frame();
  ASSERT_TRUE(answer) << "garbage deserves an answer before the close";
  EXPECT_EQ(header_of(*answer).status, wire::status::frame_too_large) << error_text(*answer);
  EXPECT_TRUE(bad.closed_by_peer());
  ASSERT_NO_FATAL_FAILURE(expect_hello_served(good));
}

TEST_F(tcp_transport_test, a_frame_over_the_limit_is_refused_before_its_body_is_sent) {
  ASSERT_NO_FATAL_FAILURE(start());
  wire_client client(endpoint_);
  const uint32_t length = 2u << 20;  // over max_frame_size = 1MiB
  const uint8_t prefix[4] = {static_cast<uint8_t>(length), static_cast<uint8_t>(length >> 8),
                             static_cast<uint8_t>(length >> 16), static_cast<uint8_t>(length >> 24)};
  client.send(std::span<const uint8_t>(prefix, 4));
  const auto answer = client.read_frame();
  ASSERT_TRUE(answer) << "the broker waited for a body it must refuse";
  EXPECT_EQ(header_of(*answer).status, wire::status::frame_too_large);
  EXPECT_NE(error_text(*answer).find(std::to_string(length)), std::string::npos) << error_text(*answer);
  EXPECT_TRUE(client.closed_by_peer());
}

TEST_F(tcp_transport_test, a_length_below_the_header_is_malformed_and_closes) {
  ASSERT_NO_FATAL_FAILURE(start());
  wire_client client(endpoint_);
  const uint8_t prefix[4] = {5, 0, 0, 0};
  client.send(std::span<const uint8_t>(prefix, 4));
  const auto answer = client.read_frame();
  ASSERT_TRUE(answer);
  EXPECT_EQ(header_of(*answer).status, wire::status::malformed_frame);
  EXPECT_TRUE(client.closed_by_peer());
}

TEST_F(tcp_transport_test, a_bad_magic_is_malformed_and_closes) {
  ASSERT_NO_FATAL_FAILURE(start());
  wire_client client(endpoint_);
  std::vector<uint8_t> frame = hello_frame(3);
  frame[4] ^= 0xFF;
  client.send(frame);
  const auto answer = client.read_frame();
  ASSERT_TRUE(answer);
  EXPECT_EQ(header_of(*answer).status, wire::status::malformed_frame);
  EXPECT_TRUE(client.closed_by_peer());
}

TEST_F(tcp_transport_test, an_unknown_code_is_answered_and_the_connection_goes_on) {
  ASSERT_NO_FATAL_FAILURE(start());
  wire_client client(endpoint_);
  std::vector<uint8_t> frame = hello_frame(4);
  frame[8] = 0xEE;
  frame[9] = 0x0E;
  client.send(frame);
  const auto answer = client.read_frame();
  ASSERT_TRUE(answer);
  EXPECT_EQ(header_of(*answer).status, wire::status::unknown_code);
  EXPECT_EQ(header_of(*answer).request_id, 4u);
  ASSERT_NO_FATAL_FAILURE(expect_hello_served(client));
}

TEST_F(tcp_transport_test, an_idle_connection_is_closed_after_idle_timeout) {
  ASSERT_NO_FATAL_FAILURE(start("idle_timeout = \"1s\""));
  wire_client client(endpoint_);
  ASSERT_NO_FATAL_FAILURE(expect_hello_served(client));
  EXPECT_TRUE(client.closed_by_peer(5s)) << broker_->process().err();
}

TEST_F(tcp_transport_test, frames_split_anywhere_and_larger_than_a_read_are_each_answered) {
  ASSERT_NO_FATAL_FAILURE(start());
  wire_client client(endpoint_);
  // HELLO, a SEND of 200 KiB (more than one read takes in), HELLO: in one stream, sent in
  // pieces of 7 bytes and then of 40000, so that frames start and end mid-piece.
  std::vector<uint8_t> stream = hello_frame(1);
  wire::message big;
  big.topic = "big";
  big.queue_id = 0;
  const std::vector<uint8_t> body(200u << 10, 0x5A);
  big.body = body;
  const std::vector<uint8_t> send = request_frame(wire::code::send, 2, big);
  stream.insert(stream.end(), send.begin(), send.end());
  const std::vector<uint8_t> last = hello_frame(3);
  stream.insert(stream.end(), last.begin(), last.end());
  size_t at = 0;
  for (const size_t piece : {size_t{7}, size_t{7}, size_t{7}, size_t{40000}}) {
    client.send(std::span(stream).subspan(at, piece));
    at += piece;
    std::this_thread::sleep_for(20ms);
  }
  while (at < stream.size()) {
    const size_t piece = std::min<size_t>(40000, stream.size() - at);
    client.send(std::span(stream).subspan(at, piece));
    at += piece;
  }
  std::set<uint64_t> answered;
  for (int i = 0; i < 3; ++i) {
    const auto answer = client.read_frame();
    ASSERT_TRUE(answer) << "answer " << i << " missing; " << broker_->process().err();
    const wire::frame_header h = header_of(*answer);
    EXPECT_EQ(h.status, wire::status::ok) << error_text(*answer);
    answered.insert(h.request_id);
  }
  EXPECT_EQ(answered, (std::set<uint64_t>{1, 2, 3}));
}

TEST_F(tcp_transport_test, a_frame_that_stalls_midway_is_cut_off_after_request_timeout) {
  ASSERT_NO_FATAL_FAILURE(start("request_timeout = \"300ms\""));
  wire_client stalled(endpoint_);
  wire_client other(endpoint_);
  // A length of 100 bytes, then 10 of them, then nothing.
  std::vector<uint8_t> part{100, 0, 0, 0};
  part.resize(14, 0xAB);
  stalled.send(part);
  EXPECT_TRUE(stalled.closed_by_peer(5s)) << broker_->process().err();
  EXPECT_TRUE(broker_->process().wait_for_output("did not arrive whole within 300 ms", 2s));
  ASSERT_NO_FATAL_FAILURE(expect_hello_served(other));
}

TEST_F(tcp_transport_test, connections_over_max_connections_are_closed_at_once) {
  ASSERT_NO_FATAL_FAILURE(start("max_connections = 2"));
  wire_client first(endpoint_);
  wire_client second(endpoint_);
  ASSERT_NO_FATAL_FAILURE(expect_hello_served(first));
  ASSERT_NO_FATAL_FAILURE(expect_hello_served(second));
  wire_client third(endpoint_);
  EXPECT_TRUE(third.closed_by_peer());
  ASSERT_NO_FATAL_FAILURE(expect_hello_served(first));
  EXPECT_TRUE(broker_->process().wait_for_output("max_connections", 2s));
}

TEST_F(tcp_transport_test, the_broker_stops_cleanly_with_clients_connected) {
  ASSERT_NO_FATAL_FAILURE(start());
  wire_client client(endpoint_);
  ASSERT_NO_FATAL_FAILURE(expect_hello_served(client));
  broker_->process().signal(SIGTERM);
  EXPECT_EQ(broker_->process().wait_exit(10s), 0) << broker_->process().err();
  EXPECT_TRUE(client.closed_by_peer());
  broker_.reset();
}

}  // namespace
}  // namespace berth::test
