// pull_consumer against a real berthd: pull statuses, long polling, offsets of a group.
#include "client_fixture.hpp"
#include "read_back.hpp"

#include <berth/client/admin.hpp>
#include <berth/client/producer.hpp>

#include <future>

namespace berth::test {
namespace {

using client::errc;
using client::message;

struct setup {
  client_broker broker;
  client::producer producer{[this] {
    client::producer_options o;
    o.endpoint = broker.endpoint();
    return o;
  }()};
  client::pull_consumer consumer{reader_options(broker.endpoint(), "pullers")};

  explicit setup(const std::string& topic, uint32_t queues) {
    client::admin_options o;
    o.endpoint = broker.endpoint();
    client::admin a(o);
    EXPECT_TRUE(a.start());
    EXPECT_TRUE(a.create_topic(topic, queues));
    EXPECT_TRUE(producer.start());
    EXPECT_TRUE(consumer.start());
  }

  client::send_receipt send(const std::string& topic, uint32_t queue, const std::string& body) {
    message m(topic, body);
    m.queue_id = queue;
    auto r = producer.send(m);
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? r.value() : client::send_receipt{};
  }
};

TEST(client_pull_consumer, pulls_in_order_and_reports_where_to_go_on) {
  setup s("pulled", 2);
  for (int i = 0; i < 5; ++i) s.send("pulled", 1, "m" + std::to_string(i));
  ASSERT_TRUE(wait_visible(s.consumer, "pulled", 5));

  auto first = s.consumer.pull("pulled", 1, 0, 3);
  BERTH_ASSERT_OK(first);
  EXPECT_EQ(first.value().status, client::pull_status::found);
  ASSERT_EQ(first.value().messages.size(), 3u);
  EXPECT_EQ(first.value().messages[0].body, "m0");
  EXPECT_EQ(first.value().messages[2].body, "m2");
  EXPECT_EQ(first.value().messages[2].queue_offset, 2u);
  EXPECT_EQ(first.value().next_offset, 3u);
  EXPECT_EQ(first.value().min_offset, 0u);
  EXPECT_EQ(first.value().max_offset, 5u);

  auto rest = s.consumer.pull("pulled", 1, first.value().next_offset, 32);
  BERTH_ASSERT_OK(rest);
  ASSERT_EQ(rest.value().messages.size(), 2u);
  EXPECT_EQ(rest.value().messages[1].body, "m4");
  EXPECT_EQ(rest.value().next_offset, 5u);

  auto none = s.consumer.pull("pulled", 1, 5, 32);
  BERTH_ASSERT_OK(none);
  EXPECT_EQ(none.value().status, client::pull_status::no_new_message);
  EXPECT_TRUE(none.value().messages.empty());

  auto empty_queue = s.consumer.pull("pulled", 0, 0, 32);
  BERTH_ASSERT_OK(empty_queue);
  EXPECT_TRUE(empty_queue.value().messages.empty());

  auto no_queue = s.consumer.pull("pulled", 7, 0, 32);
  ASSERT_FALSE(no_queue);
  EXPECT_EQ(no_queue.error().status, wire::status::no_queue);
}

TEST(client_pull_consumer, a_long_poll_is_answered_when_a_message_arrives) {
  setup s("polled", 1);
  auto waiting = std::async(std::launch::async, [&] {
    const auto before = std::chrono::steady_clock::now();
    auto r = s.consumer.pull("polled", 0, 0, 8, 20s);
    return std::make_pair(std::move(r), std::chrono::steady_clock::now() - before);
  });
  // The pull is held at the broker; the send wakes it.
  EXPECT_EQ(waiting.wait_for(300ms), std::future_status::timeout);
  s.send("polled", 0, "wake-up");
  auto [r, took] = waiting.get();
  BERTH_ASSERT_OK(r);
  ASSERT_EQ(r.value().messages.size(), 1u);
  EXPECT_EQ(r.value().messages[0].body, "wake-up");
  EXPECT_LT(took, 10s);
}

TEST(client_pull_consumer, a_hold_without_messages_ends_with_no_new_message) {
  setup s("quiet", 1);
  const auto before = std::chrono::steady_clock::now();
  auto r = s.consumer.pull("quiet", 0, 0, 8, 400ms);
  BERTH_ASSERT_OK(r);
  EXPECT_EQ(r.value().status, client::pull_status::no_new_message);
  EXPECT_GE(std::chrono::steady_clock::now() - before, 300ms);
}

TEST(client_pull_consumer, tags_filter_what_a_pull_returns) {
  setup s("tagged", 1);
  for (int i = 0; i < 6; ++i) {
    message m("tagged", "t" + std::to_string(i));
    m.queue_id = 0;
    m.tags = i % 3 == 0 ? "A" : (i % 3 == 1 ? "B" : "C");
    BERTH_ASSERT_OK(s.producer.send(m));
  }
  ASSERT_TRUE(wait_visible(s.consumer, "tagged", 6));
  std::vector<std::string> seen;
  uint64_t offset = 0;
  for (int rounds = 0; rounds < 10 && offset < 6; ++rounds) {
    auto r = s.consumer.pull("tagged", 0, offset, 32, 0ms, "A || C");
    BERTH_ASSERT_OK(r);
    for (const auto& m : r.value().messages) seen.push_back(m.body);
    offset = r.value().next_offset;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"t0", "t2", "t3", "t5"}));
}

TEST(client_pull_consumer, commits_and_reads_the_group_offset) {
  setup s("offsets", 2);
  auto before = s.consumer.committed("offsets", 1);
  BERTH_ASSERT_OK(before);
  EXPECT_FALSE(before.value().has_value());
  for (int i = 0; i < 3; ++i) s.send("offsets", 1, "x");
  BERTH_ASSERT_OK(s.consumer.commit("offsets", 1, 2));
  auto after = s.consumer.committed("offsets", 1);
  BERTH_ASSERT_OK(after);
  EXPECT_EQ(after.value(), std::optional<uint64_t>(2));
  // Another group has its own.
  client::pull_consumer other(reader_options(s.broker.endpoint(), "others"));
  BERTH_ASSERT_OK(other.start());
  auto theirs = other.committed("offsets", 1);
  BERTH_ASSERT_OK(theirs);
  EXPECT_FALSE(theirs.value().has_value());
}

TEST(client_pull_consumer, a_group_is_required) {
  client::pull_consumer c(reader_options("127.0.0.1:1", ""));
  auto r = c.start();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_argument);
}

}  // namespace
}  // namespace berth::test
