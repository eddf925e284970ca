// SEND and SEND_BATCH against a real berthd over TCP, with the mmap store under sync flush: an
// acknowledged message is on disk, so it is there after the broker is killed.
#include "broker_fixture.hpp"
#include "wire_client.hpp"

#include <berth/wire/bodies.hpp>

#include <csignal>
#include <thread>

namespace berth::test {
namespace {

using namespace std::chrono_literals;

std::string produce_broker_config(const temp_dir& dir) {
  return fmt::format(R"([admin]
listen = "127.0.0.1:0"

[broker]
name = "berth-produce-test"
data_dir = "{}/data"
shutdown_timeout = "3s"

[store]
plugin = "mmap"
segment_size = "4MiB"
flush = "sync"

[[transport]]
plugin = "tcp"
listen = "127.0.0.1:0"
)",
                     dir.path().string());
}

wire::message message(std::string_view topic, int32_t queue, const std::string& body) {
  wire::message m;
  m.topic = topic;
  m.queue_id = queue;
  m.tags = "TagA";
  m.body = std::span(reinterpret_cast<const uint8_t*>(body.data()), body.size());
  return m;
}

// Per queue, its max offset, as TOPIC_DESCRIBE tells.
std::vector<uint64_t> max_offsets(wire_client& client, std::string_view topic) {
  const auto answer = client.call(wire::code::topic_describe, wire::topic_describe_request{topic});
  if (!answer) return {};
  const wire::frame_header h = header_of(*answer);
  EXPECT_EQ(h.status, wire::status::ok) << error_text(*answer);
  auto body = wire::decode<wire::topic_describe_response>(wire::frame_body(*answer, h), h.code,
                                                          wire::kind::response);
  if (!body) return {};
  std::vector<uint64_t> out;
  for (const wire::queue_state& q : body->queue_states) out.push_back(q.max_offset);
  return out;
}

// Acknowledged messages become visible to reads shortly after the acknowledgement (the store's
// dispatcher indexes them): poll DESCRIBE until `expected`, for up to 5 s.
std::vector<uint64_t> max_offsets_once_visible(wire_client& client, std::string_view topic,
                                               const std::vector<uint64_t>& expected) {
  std::vector<uint64_t> seen;
  const auto until = std::chrono::steady_clock::now() + 5s;
  do {
    seen = max_offsets(client, topic);
    if (seen == expected) break;
    std::this_thread::sleep_for(10ms);
  } while (std::chrono::steady_clock::now() < until);
  return seen;
}

TEST(produce, acknowledged_messages_under_sync_flush_survive_a_kill) {
  temp_dir dir;
  const std::string config = produce_broker_config(dir);
  std::vector<uint64_t> before;
  {
    running_broker broker(dir, config);
    const std::string endpoint = broker.wait_for_endpoint();
    ASSERT_FALSE(endpoint.empty()) << broker.process().err();
    wire_client client(endpoint);
    ASSERT_EQ(header_of(*client.call(wire::code::topic_create,
                                     wire::topic_create_request{"orders", 4, 6})).status,
              wire::status::ok);
    const std::string body(512, 'x');
    for (int i = 0; i < 40; ++i) {
      const auto answer = client.call(wire::code::send, message("orders", -1, body));
      ASSERT_TRUE(answer);
      ASSERT_EQ(header_of(*answer).status, wire::status::ok) << error_text(*answer);
    }
    wire::send_batch_request batch;
    for (int i = 0; i < 10; ++i) batch.messages.push_back(message("orders", 2, body));
    const auto answer = client.call(wire::code::send_batch, batch);
    ASSERT_TRUE(answer);
    ASSERT_EQ(header_of(*answer).status, wire::status::ok) << error_text(*answer);
    before = max_offsets_once_visible(client, "orders", {10, 10, 20, 10});
    ASSERT_EQ(before, (std::vector<uint64_t>{10, 10, 20, 10}));
    broker.process().signal(SIGKILL);
    (void)broker.process().wait_exit(10s);
  }
  running_broker broker(dir, config);
  const std::string endpoint = broker.wait_for_endpoint();
  ASSERT_FALSE(endpoint.empty()) << broker.process().err();
  wire_client client(endpoint);
  // Recovery makes everything visible before the broker serves: no polling here.
  EXPECT_EQ(max_offsets(client, "orders"), before) << broker.process().err();
  broker.process().signal(SIGTERM);
  EXPECT_EQ(broker.process().wait_exit(10s), 0) << broker.process().err();
}

TEST(produce, an_oversized_message_is_refused_and_the_connection_goes_on) {
  temp_dir dir;
  running_broker broker(dir, produce_broker_config(dir));
  const std::string endpoint = broker.wait_for_endpoint();
  ASSERT_FALSE(endpoint.empty()) << broker.process().err();
  wire_client client(endpoint);
  const std::string huge((4u << 20) + 1, 'h');
  const auto refused = client.call(wire::code::send, message("big", 0, huge));
  ASSERT_TRUE(refused);
  EXPECT_EQ(header_of(*refused).status, wire::status::message_too_large) << error_text(*refused);
  const auto fine = client.call(wire::code::send, message("big", 0, "small"));
  ASSERT_TRUE(fine);
  EXPECT_EQ(header_of(*fine).status, wire::status::ok) << error_text(*fine);
  EXPECT_EQ(max_offsets_once_visible(client, "big", {1, 0, 0, 0}),
            (std::vector<uint64_t>{1, 0, 0, 0}));
  broker.process().signal(SIGTERM);
  EXPECT_EQ(broker.process().wait_exit(10s), 0) << broker.process().err();
}

}  // namespace
}  // namespace berth::test
