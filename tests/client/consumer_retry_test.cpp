// A push consumer's retry_later against a real berthd: the message goes back to the broker
// (SEND_BACK) and returns through the group's retry topic after the backoff, under its own
// topic with reconsume_times counting; after max_reconsume retries it is a dead letter; a retry
// waiting in the broker survives a restart; an ordered queue retries in place, then gives up.
#include "client_fixture.hpp"
#include "client_helpers.hpp"
#include "read_back.hpp"

#include <berth/client/pull_consumer.hpp>
#include <berth/wire/properties.hpp>

#include <mutex>
#include <set>

namespace berth::test {
namespace {

using client::consume_result;
using clock_type = std::chrono::steady_clock;

// Every delivery a listener saw: body, topic, reconsume_times, when.
struct delivery {
  std::string body;
  std::string topic;
  uint32_t reconsume_times = 0;
  clock_type::time_point at;
  std::optional<std::string> retry_topic;
};

class deliveries {
 public:
  // Fails every delivery of the bodies in `failing` while `fail` holds.
  client::message_listener listener(std::set<std::string> failing) {
    return [this, failing = std::move(failing)](const client::received_message& m) {
      std::lock_guard lock(mutex_);
      auto retry_topic = m.property(wire::properties::retry_topic);
      seen_.push_back({m.body, m.topic, m.reconsume_times, clock_type::now(),
                       retry_topic ? std::optional<std::string>(*retry_topic) : std::nullopt});
      return failing.count(m.body) != 0 && fail ? consume_result::retry_later
                                                : consume_result::success;
    };
  }
  std::vector<delivery> of(const std::string& body) const {
    std::lock_guard lock(mutex_);
    std::vector<delivery> out;
    for (const delivery& d : seen_) {
      if (d.body == body) out.push_back(d);
    }
    return out;
  }
  std::set<std::string> bodies() const {
    std::lock_guard lock(mutex_);
    std::set<std::string> out;
    for (const delivery& d : seen_) out.insert(d.body);
    return out;
  }

  std::atomic<bool> fail{true};

 private:
  mutable std::mutex mutex_;
  std::vector<delivery> seen_;
};

client::pull_consumer started_reader(const std::string& endpoint, const std::string& group) {
  client::pull_consumer reader(reader_options(endpoint, group));
  EXPECT_TRUE(reader.start());
  return reader;
}

TEST(client_consumer_retry, a_failed_message_returns_after_the_ten_second_backoff) {
  client_broker broker;
  create_topic(broker.endpoint(), "flaky", 1);
  deliveries seen;
  client::push_consumer c(consumer_options(broker.endpoint(), "patient"));
  BERTH_ASSERT_OK(c.subscribe("flaky"));
  c.on_message(seen.listener({"f1"}));
  BERTH_ASSERT_OK(c.start());
  client::producer p = started_producer(broker.endpoint());
  send_all(p, "flaky", "f", 3);
  ASSERT_TRUE(eventually([&] { return seen.of("f1").size() == 1; }, 15s));
  seen.fail = false;
  ASSERT_TRUE(eventually([&] { return seen.of("f1").size() == 2; }, 40s));
  const auto f1 = seen.of("f1");
  const auto waited = f1[1].at - f1[0].at;
  EXPECT_GE(waited, 9500ms) << "RocketMQ's first retry is level 3: 10 s";
  EXPECT_LE(waited, 25s);
  EXPECT_EQ(f1[0].reconsume_times, 0u);
  EXPECT_EQ(f1[1].reconsume_times, 1u);
  EXPECT_EQ(f1[1].topic, "flaky") << "a retry is shown under its own topic";
  EXPECT_EQ(f1[1].retry_topic, std::optional<std::string>("flaky"));
  EXPECT_EQ(seen.of("f0").size(), 1u);
  EXPECT_EQ(seen.of("f2").size(), 1u);
  const std::vector<client::owned_queue> listed{{"flaky", 0}};
  EXPECT_EQ(c.owned_queues(), listed) << "the retry topic is read but not listed";
}

TEST(client_consumer_retry, the_broker_holds_the_retry_so_the_commit_moves_past_it) {
  client_broker broker;
  create_topic(broker.endpoint(), "held", 1);
  client::producer p = started_producer(broker.endpoint());
  send_all(p, "held", "h", 10);
  deliveries seen;
  auto o = consumer_options(broker.endpoint(), "movers");
  o.retry_delay_level = 1;  // 1 s
  client::push_consumer c(o);
  BERTH_ASSERT_OK(c.subscribe("held"));
  c.on_message(seen.listener({"h3"}));
  BERTH_ASSERT_OK(c.start());
  ASSERT_TRUE(eventually([&] { return seen.of("h3").size() >= 3 && seen.bodies().size() == 10; },
                         30s));
  client::pull_consumer reader = started_reader(broker.endpoint(), "movers");
  EXPECT_TRUE(eventually([&] {
    auto committed = reader.committed("held", 0);
    return committed && committed.value() == std::optional<uint64_t>(10);
  })) << "h3 is the broker's to deliver again: the group's offset passes it";
  seen.fail = false;
  const size_t before = seen.of("h3").size();
  ASSERT_TRUE(eventually([&] { return seen.of("h3").size() == before + 1; }, 15s));
  c.shutdown();
  const auto h3 = seen.of("h3");
  for (size_t i = 0; i < h3.size(); ++i) {
    EXPECT_EQ(h3[i].reconsume_times, i) << "delivery " << i;
    EXPECT_EQ(h3[i].topic, "held");
  }
}

TEST(client_consumer_retry, after_max_reconsume_retries_the_message_is_a_dead_letter) {
  client_broker broker;
  create_topic(broker.endpoint(), "doomed", 1);
  deliveries seen;
  auto o = consumer_options(broker.endpoint(), "quitters");
  o.retry_delay_level = 1;
  o.max_reconsume = 2;
  client::push_consumer c(o);
  BERTH_ASSERT_OK(c.subscribe("doomed"));
  c.on_message(seen.listener({"d0"}));
  BERTH_ASSERT_OK(c.start());
  client::producer p = started_producer(broker.endpoint());
  send_all(p, "doomed", "d", 2);
  client::pull_consumer reader = started_reader(broker.endpoint(), "inspector");
  auto dead = read_queue(reader, "%DLQ%quitters", 0, 0, 1);
  BERTH_ASSERT_OK(dead);
  ASSERT_EQ(dead.value().size(), 1u);
  const client::received_message& letter = dead.value().front();
  EXPECT_EQ(letter.body, "d0");
  EXPECT_EQ(letter.property(wire::properties::dead_letter_origin_topic),
            std::optional<std::string_view>("doomed"));
  const auto d0 = seen.of("d0");
  ASSERT_EQ(d0.size(), 3u) << "the first delivery and max_reconsume (2) retries";
  EXPECT_EQ(d0[2].reconsume_times, 2u);
  std::this_thread::sleep_for(2500ms);  // a fourth delivery would come after 1 s
  EXPECT_EQ(seen.of("d0").size(), 3u);
  EXPECT_EQ(seen.of("d1").size(), 1u);
}

TEST(client_consumer_retry, an_ordered_queue_gives_up_after_max_reconsume_and_goes_on) {
  client_broker broker;
  create_topic(broker.endpoint(), "in-order", 1);
  deliveries seen;
  auto o = consumer_options(broker.endpoint(), "orderly");
  o.ordered = true;
  o.retry_delay = 100ms;  // ordered retries stay in the consumer
  o.max_reconsume = 2;
  client::push_consumer c(o);
  BERTH_ASSERT_OK(c.subscribe("in-order"));
  c.on_message(seen.listener({"o1"}));
  BERTH_ASSERT_OK(c.start());
  client::producer p = started_producer(broker.endpoint());
  send_all(p, "in-order", "o", 3);
  ASSERT_TRUE(eventually([&] { return seen.of("o2").size() == 1; }, 15s));
  const auto o1 = seen.of("o1");
  ASSERT_EQ(o1.size(), 3u) << "the first delivery and two local retries";
  EXPECT_EQ(o1[2].reconsume_times, 2u);
  EXPECT_GT(seen.of("o2")[0].at, o1[2].at) << "o2 waited for o1 to be given up";
  client::pull_consumer reader = started_reader(broker.endpoint(), "inspector");
  auto dead = read_queue(reader, "%DLQ%orderly", 0, 0, 1);
  BERTH_ASSERT_OK(dead);
  ASSERT_EQ(dead.value().size(), 1u);
  EXPECT_EQ(dead.value().front().body, "o1");
}

TEST(client_consumer_retry, a_waiting_retry_survives_a_broker_restart) {
  broker_settings s;
  s.port = free_port();
  s.sync_flush = true;
  client_broker broker(s);
  create_topic(broker.endpoint(), "sturdy", 1);
  deliveries seen;
  auto o = consumer_options(broker.endpoint(), "stayers");
  o.retry_delay_level = 3;  // 10 s: the restart comes well before
  client::push_consumer c(o);
  BERTH_ASSERT_OK(c.subscribe("sturdy"));
  c.on_message(seen.listener({"s0"}));
  BERTH_ASSERT_OK(c.start());
  {
    client::producer p = started_producer(broker.endpoint());
    send_all(p, "sturdy", "s", 1);
  }
  ASSERT_TRUE(eventually([&] { return seen.of("s0").size() == 1; }, 15s));
  client::pull_consumer reader = started_reader(broker.endpoint(), "stayers");
  ASSERT_TRUE(eventually([&] {
    auto committed = reader.committed("sturdy", 0);
    return committed && committed.value() == std::optional<uint64_t>(1);
  })) << "handed back and committed past";
  reader.shutdown();
  seen.fail = false;
  broker.stop(SIGKILL);
  broker.start();
  ASSERT_TRUE(eventually([&] { return seen.of("s0").size() == 2; }, 60s)) << broker.log();
  const auto s0 = seen.of("s0");
  EXPECT_GE(s0[1].at - s0[0].at, 9500ms);
  EXPECT_EQ(s0[1].reconsume_times, 1u);
}

}  // namespace
}  // namespace berth::test
