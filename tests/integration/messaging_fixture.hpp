// A real berthd (mmap store, tcp on loopback) per test, with the calls messaging tests make
// over the native protocol: create a topic, send, pull until visible, expect an answer.
#pragma once

#include "broker_fixture.hpp"
#include "wire_client.hpp"

#include <berth/wire/bodies.hpp>

#include <csignal>
#include <memory>
#include <thread>

namespace berth::test {

using namespace std::chrono_literals;

inline std::string messaging_broker_config(const temp_dir& dir) {
  return fmt::format(R"([admin]
listen = "127.0.0.1:0"

[broker]
name = "berth-messaging-test"
data_dir = "{}/data"
shutdown_timeout = "3s"

[store]
plugin = "mmap"
segment_size = "4MiB"

[[transport]]
plugin = "tcp"
listen = "127.0.0.1:0"
)",
                     dir.path().string());
}

inline std::span<const uint8_t> bytes_of(std::string_view s) {
  return std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

inline std::string text_of(wire::bytes_view b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

inline wire::pull_request pull_at(std::string_view topic, uint32_t queue, uint64_t offset,
                           uint32_t hold_ms = 0, std::string_view group = "readers") {
  wire::pull_request p;
  p.group = group;
  p.topic = topic;
  p.queue_id = queue;
  p.offset = offset;
  p.max_messages = 32;
  p.hold_ms = hold_ms;
  p.expression = "*";
  return p;
}

class messaging_test : public ::testing::Test {
 protected:
  void SetUp() override { start(); }

  void start() {
    broker = std::make_unique<running_broker>(dir, messaging_broker_config(dir));
    endpoint = broker->wait_for_endpoint();
    ASSERT_FALSE(endpoint.empty()) << broker->process().err();
  }
  void stop() {
    broker->process().signal(SIGTERM);
    EXPECT_EQ(broker->process().wait_exit(10s), 0) << broker->process().err();
    broker.reset();
  }

  static void expect_ok(const std::optional<std::vector<uint8_t>>& answer) {
    ASSERT_TRUE(answer) << "no answer";
    EXPECT_EQ(header_of(*answer).status, wire::status::ok) << error_text(*answer);
  }
  static wire::status status_of(const std::optional<std::vector<uint8_t>>& answer) {
    return answer ? header_of(*answer).status : wire::status::internal;
  }

  void create_topic(wire_client& c, std::string_view topic, uint32_t queues) {
    expect_ok(c.call(wire::code::topic_create, wire::topic_create_request{topic, queues, 6}));
  }
  wire::send_result send(wire_client& c, std::string_view topic, uint32_t queue,
                         std::string_view body, std::string_view tags = "TagA",
                         std::string_view keys = "") {
    wire::message m;
    m.topic = topic;
    m.queue_id = static_cast<int32_t>(queue);
    m.tags = tags;
    m.keys = keys;
    m.body = bytes_of(body);
    last_send = c.call(wire::code::send, m);
    expect_ok(last_send);
    auto result = body_of<wire::send_result>(*last_send);
    return result ? *result : wire::send_result{};
  }
  // PULL until `count` messages are visible (the store shows them shortly after the ack).
  std::vector<uint8_t> pull_visible(wire_client& c, std::string_view topic, uint32_t queue,
                                    size_t count) {
    const auto until = std::chrono::steady_clock::now() + 5s;
    std::vector<uint8_t> frame;
    do {
      auto answer = c.call(wire::code::pull, pull_at(topic, queue, 0));
      if (!answer) break;
      frame = std::move(*answer);
      auto body = body_of<wire::pull_response>(frame);
      if (body && body->messages.size() >= count) break;
      std::this_thread::sleep_for(10ms);
    } while (std::chrono::steady_clock::now() < until);
    return frame;
  }

  temp_dir dir;
  std::unique_ptr<running_broker> broker;
  std::string endpoint;
  std::optional<std::vector<uint8_t>> last_send;
};

}  // namespace berth::test
