// Request/reply against a real berthd: a requester's producer, a replier made of a push
// consumer and a producer; a request nobody answers times out.
#include "client_fixture.hpp"

#include <berth/client/admin.hpp>
#include <berth/client/producer.hpp>
#include <berth/client/push_consumer.hpp>
#include <berth/wire/properties.hpp>

namespace berth::test {
namespace {

using client::consume_result;
using client::message;
namespace props = wire::properties;

client::producer started_producer(const std::string& endpoint) {
  client::producer_options o;
  o.endpoint = endpoint;
  client::producer p(o);
  EXPECT_TRUE(p.start());
  return p;
}

TEST(client_request_reply, a_replier_answers_each_request) {
  client_broker broker;
  {
    client::admin_options o;
    o.endpoint = broker.endpoint();
    client::admin a(o);
    ASSERT_TRUE(a.start());
    BERTH_ASSERT_OK(a.create_topic("rpc", 2));
  }
  client::producer replier_out = started_producer(broker.endpoint());
  std::atomic<int> served{0};
  std::atomic<int> not_requests{0};
  client::push_consumer_options o;
  o.endpoint = broker.endpoint();
  o.group = "servers";
  o.from = client::consume_from::earliest;
  o.rebalance_interval = 1s;
  client::push_consumer replier(o);
  BERTH_ASSERT_OK(replier.subscribe("rpc"));
  replier.on_message([&](const client::received_message& request) {
    if (!request.property(props::correlation_id)) {
      ++not_requests;
      return consume_result::success;
    }
    message reply;
    reply.body = "pong:" + request.body;
    reply.set_property("served-by", "replier");
    auto sent = replier_out.send_reply(request, reply);
    if (!sent) return consume_result::retry_later;
    ++served;
    return consume_result::success;
  });
  BERTH_ASSERT_OK(replier.start());
  ASSERT_TRUE(eventually([&] { return replier.owned_queues().size() == 2; }));

  client::producer requester = started_producer(broker.endpoint());
  for (int i = 0; i < 5; ++i) {
    const std::string body = "ping" + std::to_string(i);
    auto reply = requester.request(message("rpc", body), 5s);
    ASSERT_TRUE(reply) << reply.error().to_string() << "\n" << broker.log();
    EXPECT_EQ(reply.value().body, "pong:" + body);
    EXPECT_EQ(reply.value().property("served-by"), std::optional<std::string_view>("replier"));
    EXPECT_EQ(reply.value().property(props::reply_to_client),
              std::optional<std::string_view>(requester.client_id()));
    EXPECT_TRUE(reply.value().property(props::correlation_id).has_value());
  }
  // The replier counts after its SEND_REPLY is answered, which may be after the push arrived.
  EXPECT_TRUE(eventually([&] { return served.load() == 5; })) << served.load();
  EXPECT_EQ(not_requests.load(), 0);
  replier.shutdown();
}

TEST(client_request_reply, a_request_without_a_replier_times_out) {
  client_broker broker;
  client::producer requester = started_producer(broker.endpoint());
  const auto before = std::chrono::steady_clock::now();
  auto reply = requester.request(message("nobody-listens", "hello?"), 500ms);
  const auto took = std::chrono::steady_clock::now() - before;
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, client::errc::timeout) << reply.error().to_string();
  EXPECT_NE(reply.error().message.find("CORRELATION_ID"), std::string::npos);
  EXPECT_GE(took, 450ms);
  EXPECT_LT(took, 5s);
}

TEST(client_request_reply, send_reply_refuses_a_message_that_is_not_a_request) {
  client_broker broker;
  client::producer p = started_producer(broker.endpoint());
  client::received_message plain;
  plain.topic = "rpc";
  auto r = p.send_reply(plain, message("", "x"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, client::errc::invalid_argument);
}

}  // namespace
}  // namespace berth::test
