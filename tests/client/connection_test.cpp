// The client's connection against a scripted fake broker (fake_broker.hpp): answers out of
// order, pushes, silence, a dropped connection, a forged frame length, limits from HELLO.
#include "client_fixture.hpp"

#include "connection.hpp"
#include "fake_broker.hpp"

#include <berth/wire/wire.hpp>

#include <future>
#include <mutex>

namespace berth::test {
namespace {

using client::errc;
using client::internal::connection;
using client::internal::frame;

std::unique_ptr<connection> connect_to(const std::string& endpoint) {
  client::internal::connection_options o;
  o.endpoint = endpoint;
  o.client_id = "test-client";
  o.handshake_timeout = 2s;
  return std::make_unique<connection>(o);
}

uint32_t queues_of(const client::result<frame>& r) {
  if (!r) return 0;
  auto d = client::internal::decode_response<wire::topic_describe_response>(r.value());
  return d ? d.value().queues : 0;
}

TEST(client_connection, answers_out_of_order_complete_their_own_requests) {
  std::mutex mutex;
  std::vector<wire::frame_header> held;
  fake_broker broker(
      [&](fake_broker& b, int fd, const wire::frame_header& h, std::span<const uint8_t>) {
        std::lock_guard lock(mutex);
        held.push_back(h);
        // Answered last first; each answer names its request: queues = the request id.
        if (held.size() == 3) {
          for (auto it = held.rbegin(); it != held.rend(); ++it) {
            b.answer(fd, *it,
                     wire::topic_describe_response{static_cast<uint32_t>(it->request_id), 6, {}});
          }
        }
      });
  auto c = connect_to(broker.endpoint());
  BERTH_ASSERT_OK(c->start());
  std::vector<std::future<client::result<frame>>> answers;
  for (const char* topic : {"a", "bb", "ccc"}) {
    auto p = std::make_shared<std::promise<client::result<frame>>>();
    answers.push_back(p->get_future());
    c->async_call(wire::code::topic_describe, wire::topic_describe_request{topic}, 5s,
                  [p](client::result<frame> r) { p->set_value(std::move(r)); });
  }
  std::vector<uint64_t> ids;
  for (auto& f : answers) {
    auto r = f.get();
    BERTH_ASSERT_OK(r);
    EXPECT_EQ(queues_of(r), r.value().header.request_id);  // its own answer
    ids.push_back(r.value().header.request_id);
  }
  EXPECT_LT(ids[0], ids[1]);
  EXPECT_LT(ids[1], ids[2]);
}

TEST(client_connection, pushes_go_to_the_push_handler) {
  fake_broker broker(
      [&](fake_broker& b, int fd, const wire::frame_header& h, std::span<const uint8_t>) {
        b.push(fd, wire::code::group_changed, wire::group_changed_push{"g", "t"});
        b.answer(fd, h, wire::empty_body{});
      });
  auto c = connect_to(broker.endpoint());
  std::promise<std::pair<std::string, std::string>> pushed;
  c->set_push_handler([&](const frame& f) {
    auto p = client::internal::decode_response<wire::group_changed_push>(f);
    if (p) pushed.set_value({std::string(p.value().group), std::string(p.value().topic)});
  });
  BERTH_ASSERT_OK(c->start());
  BERTH_ASSERT_OK(c->call(wire::code::heartbeat, wire::heartbeat_request{"x", {}}, 5s));
  auto f = pushed.get_future();
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(f.get(), (std::pair<std::string, std::string>{"g", "t"}));
}

TEST(client_connection, an_unanswered_request_times_out_and_a_late_answer_is_ignored) {
  std::atomic<int> seen{0};
  fake_broker broker(
      [&](fake_broker& b, int fd, const wire::frame_header& h, std::span<const uint8_t>) {
        if (seen++ == 0) {
          std::this_thread::sleep_for(400ms);  // too late for the first request
        }
        b.answer(fd, h, wire::empty_body{});
      });
  auto c = connect_to(broker.endpoint());
  BERTH_ASSERT_OK(c->start());
  const auto before = std::chrono::steady_clock::now();
  auto late = c->call(wire::code::heartbeat, wire::heartbeat_request{"x", {}}, 150ms);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, errc::timeout);
  EXPECT_NE(late.error().message.find("no answer"), std::string::npos) << late.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
  // The connection goes on; the late answer matches nothing.
  BERTH_EXPECT_OK(c->call(wire::code::heartbeat, wire::heartbeat_request{"x", {}}, 5s));
  EXPECT_EQ(broker.connections(), 1);
}

TEST(client_connection, a_dropped_connection_fails_what_was_sent_and_reconnects) {
  std::atomic<int> seen{0};
  fake_broker broker(
      [&](fake_broker& b, int fd, const wire::frame_header& h, std::span<const uint8_t>) {
        if (seen++ == 0) {
          b.hang_up(fd);
          return;
        }
        b.answer(fd, h, wire::empty_body{});
      });
  auto c = connect_to(broker.endpoint());
  std::atomic<int> reconnects{0};
  c->set_connected_handler([&](bool again) {
    if (again) ++reconnects;
  });
  BERTH_ASSERT_OK(c->start());
  auto lost = c->call(wire::code::heartbeat, wire::heartbeat_request{"x", {}}, 5s);
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, errc::connection_lost);
  EXPECT_NE(lost.error().message.find(broker.endpoint()), std::string::npos);
  // The next request waits for the reconnect and succeeds.
  BERTH_EXPECT_OK(c->call(wire::code::heartbeat, wire::heartbeat_request{"x", {}}, 5s));
  EXPECT_EQ(broker.connections(), 2);
  EXPECT_EQ(reconnects.load(), 1);
}

TEST(client_connection, a_forged_frame_length_is_refused_before_allocating) {
  std::atomic<int> seen{0};
  fake_broker broker(
      [&](fake_broker& b, int fd, const wire::frame_header& h, std::span<const uint8_t>) {
        if (seen++ == 0) {
          const std::array<uint8_t, 4> huge{0xF0, 0xFF, 0xFF, 0x7F};  // ~2 GiB
          b.send_bytes(fd, huge);
          return;
        }
        b.answer(fd, h, wire::empty_body{});
      });
  auto c = connect_to(broker.endpoint());
  BERTH_ASSERT_OK(c->start());
  auto refused = c->call(wire::code::heartbeat, wire::heartbeat_request{"x", {}}, 5s);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::connection_lost);
  EXPECT_NE(refused.error().message.find("over the limit"), std::string::npos)
      << refused.error().message;
  BERTH_EXPECT_OK(c->call(wire::code::heartbeat, wire::heartbeat_request{"x", {}}, 5s));
}

TEST(client_connection, limits_from_hello_are_checked_before_sending) {
  fake_broker broker(
      [&](fake_broker& b, int fd, const wire::frame_header& h, std::span<const uint8_t>) {
        b.answer(fd, h, wire::send_result{"id", 0, 0, 0, 0});
      });
  auto c = connect_to(broker.endpoint());
  BERTH_ASSERT_OK(c->start());
  const std::string body(1001, 'x');  // the fake's max_message_size is 1000
  wire::message m;
  m.topic = "t";
  m.body = std::span(reinterpret_cast<const uint8_t*>(body.data()), body.size());
  auto out = client::internal::encode_request(wire::code::send, m, body.size());
  BERTH_ASSERT_OK(out);
  auto refused = c->request(out.value(), 5s);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::invalid_argument);
  EXPECT_NE(refused.error().message.find("1001 bytes is over the max message size of 1000"),
            std::string::npos)
      << refused.error().message;
}

TEST(client_connection, shutdown_fails_waiting_requests_with_closed) {
  fake_broker broker([&](fake_broker&, int, const wire::frame_header&, std::span<const uint8_t>) {
    // never answers
  });
  auto c = connect_to(broker.endpoint());
  BERTH_ASSERT_OK(c->start());
  std::promise<client::result<frame>> answer;
  c->async_call(wire::code::heartbeat, wire::heartbeat_request{"x", {}}, 30s,
                [&](client::result<frame> r) { answer.set_value(std::move(r)); });
  c->shutdown();
  auto f = answer.get_future();
  ASSERT_EQ(f.wait_for(1s), std::future_status::ready);
  auto r = f.get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::closed);
  auto after = c->call(wire::code::heartbeat, wire::heartbeat_request{"x", {}}, 1s);
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().code, errc::closed);
}

TEST(client_connection, endpoints_are_parsed) {
  std::string host, port;
  EXPECT_TRUE(client::internal::parse_endpoint("127.0.0.1:10911", host, port));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, "10911");
  EXPECT_TRUE(client::internal::parse_endpoint("[::1]:9", host, port));
  EXPECT_EQ(host, "::1");
  EXPECT_FALSE(client::internal::parse_endpoint("no-port", host, port));
  EXPECT_FALSE(client::internal::parse_endpoint("host:", host, port));
  EXPECT_FALSE(client::internal::parse_endpoint("host:99999", host, port));
  EXPECT_FALSE(client::internal::parse_endpoint("host:12ab", host, port));
}

}  // namespace
}  // namespace berth::test
