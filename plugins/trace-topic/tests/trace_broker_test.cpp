// trace-topic in a real berthd: a message produced (with a W3C traceparent), popped and acked
// by one group, pulled and committed past by another; its records land in the trace topic and
// berthctl trace get shows every stage. A broker without the tracer writes no trace topic.
#include "broker_fixture.hpp"
#include "process.hpp"

#include <berth/client/admin.hpp>
#include <berth/client/producer.hpp>
#include <berth/client/pull_consumer.hpp>
#include <berth/client/simple_consumer.hpp>

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace berth::test {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

constexpr const char* traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

class trace_broker_test : public ::testing::Test {
 protected:
  template <class Options>
  Options options() const {
    Options o;
    o.endpoint = endpoint_;
    return o;
  }
  client::admin admin() const { return client::admin(options<client::admin_options>()); }

  void start(const std::string& tables) {
    broker_ = std::make_unique<running_broker>(dir_, memory_broker_config(dir_, tables));
    endpoint_ = broker_->wait_for_endpoint();
    ASSERT_FALSE(endpoint_.empty()) << broker_->process().err();
    client::admin a = admin();
    ASSERT_TRUE(a.start());
    ASSERT_TRUE(a.create_topic("orders", 1));
  }
  void TearDown() override {
    if (!broker_) return;
    broker_->process().signal(SIGTERM);
    EXPECT_EQ(broker_->process().wait_exit(10s), 0) << broker_->process().err();
  }

  run_result ctl(std::vector<std::string> args) const {
    std::vector<std::string> argv{BERTHCTL_PATH, "--server", endpoint_, "--timeout", "2s"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, dir_.path());
  }

  // Produce one message, pop and ack it in group "poppers", pull it in group "pullers" and
  // commit past it. Its id.
  std::string produce_consume_ack() {
    client::producer producer(options<client::producer_options>());
    EXPECT_TRUE(producer.start());
    client::message m;
    m.topic = "orders";
    m.tags = "paid";
    m.keys = {"order-7"};
    m.body = "seven";
    m.properties.emplace_back("traceparent", traceparent);
    auto sent = producer.send(m);
    EXPECT_TRUE(sent) << sent.error().to_string();
    if (!sent) return {};

    auto pop_options = options<client::simple_consumer_options>();
    pop_options.group = "poppers";
    pop_options.topic = "orders";
    client::simple_consumer popper(pop_options);
    EXPECT_TRUE(popper.start());
    auto popped = popper.receive(1, 30s);
    EXPECT_TRUE(popped && popped.value().size() == 1);
    if (popped && !popped.value().empty()) {
      EXPECT_TRUE(popper.ack(popped.value().front()));
    }

    auto pull_options = options<client::pull_consumer_options>();
    pull_options.group = "pullers";
    client::pull_consumer puller(pull_options);
    EXPECT_TRUE(puller.start());
    auto pulled = puller.pull("orders", 0, 0, 32, 2s);
    EXPECT_TRUE(pulled && pulled.value().messages.size() == 1);
    EXPECT_TRUE(puller.commit("orders", 0, 1));
    return sent.value().message_id;
  }

  // The records berthctl trace get prints for `id` (--output json), once `stages` are there.
  std::vector<json> traced(const std::string& id, size_t stages) const {
    std::vector<json> records;
    const auto until = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < until) {
      records.clear();
      const run_result r = ctl({"--output", "json", "trace", "get", id});
      std::istringstream lines(r.out);
      for (std::string line; std::getline(lines, line);) records.push_back(json::parse(line));
      if (r.exit_code == 0 && records.size() >= stages) break;
      std::this_thread::sleep_for(50ms);
    }
    return records;
  }

  temp_dir dir_;
  std::unique_ptr<running_broker> broker_;
  std::string endpoint_;
};

const json* stage(const std::vector<json>& records, const std::string& type,
                  const std::string& group = "") {
  for (const json& r : records) {
    if (r["type"] == type && (group.empty() || r.value("group", "") == group)) return &r;
  }
  return nullptr;
}

TEST_F(trace_broker_test, a_produced_consumed_acked_message_shows_every_stage) {
  start("[[tracer]]\nplugin = \"topic\"\nflush_interval = \"20ms\"\n");
  const std::string id = produce_consume_ack();
  ASSERT_FALSE(id.empty());

  // produce, deliver (pop), deliver (pull), ack (pop), commit (pull).
  const std::vector<json> records = traced(id, 5);
  ASSERT_EQ(records.size(), 5u) << broker_->process().err();

  const json* produced = stage(records, "produce");
  ASSERT_NE(produced, nullptr);
  EXPECT_EQ((*produced)["message_id"], id);
  EXPECT_EQ((*produced)["topic"], "orders");
  EXPECT_EQ((*produced)["tags"], "paid");
  EXPECT_EQ((*produced)["keys"], "order-7");
  EXPECT_EQ((*produced)["traceparent"], traceparent);
  EXPECT_EQ((*produced)["body_size"], 5);
  EXPECT_EQ((*produced)["status"], 0);
  EXPECT_TRUE((*produced)["client"].get<std::string>().starts_with("127.0.0.1:"));

  const json* popped = stage(records, "deliver", "poppers");
  ASSERT_NE(popped, nullptr);
  EXPECT_EQ((*popped)["message_id"], id);
  EXPECT_EQ((*popped)["traceparent"], traceparent);
  ASSERT_NE(stage(records, "deliver", "pullers"), nullptr);

  const json* acked = stage(records, "ack", "poppers");
  ASSERT_NE(acked, nullptr);
  EXPECT_EQ((*acked)["message_id"], id);
  EXPECT_GE((*acked)["time_ms"].get<int64_t>(), (*popped)["time_ms"].get<int64_t>());

  const json* committed = stage(records, "commit", "pullers");
  ASSERT_NE(committed, nullptr);
  EXPECT_EQ((*committed)["queue_offset"], 1);

  // For people: one table, every stage named.
  const run_result text = ctl({"trace", "get", id});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("message " + id + ": orders queue 0 offset 0"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find(std::string("traceparent ") + traceparent), std::string::npos);
  for (const char* word : {"produce", "deliver", "ack", "commit (offset 1)", "poppers", "pullers"}) {
    EXPECT_NE(text.out.find(word), std::string::npos) << word << " missing in\n" << text.out;
  }
}

TEST_F(trace_broker_test, the_trace_topic_is_the_brokers_own_with_one_queue) {
  start("[[tracer]]\nplugin = \"topic\"\nflush_interval = \"20ms\"\n");
  const std::string id = produce_consume_ack();
  ASSERT_FALSE(traced(id, 5).empty());
  client::admin a = admin();
  ASSERT_TRUE(a.start());
  auto info = a.describe_topic("RMQ_SYS_TRACE_TOPIC");
  ASSERT_TRUE(info) << info.error().to_string();
  EXPECT_EQ(info.value().queues.size(), 1u);
  // Producers may not write there themselves.
  client::producer producer(options<client::producer_options>());
  ASSERT_TRUE(producer.start());
  client::message forged;
  forged.topic = "RMQ_SYS_TRACE_TOPIC";
  forged.body = "{}";
  EXPECT_FALSE(producer.send(forged));
}

TEST_F(trace_broker_test, trace_get_without_records_says_why) {
  start("[[tracer]]\nplugin = \"topic\"\nflush_interval = \"20ms\"\n");
  const std::string id = produce_consume_ack();
  ASSERT_FALSE(traced(id, 5).empty());  // the trace topic exists
  // An id no message has.
  const run_result unknown = ctl({"trace", "get", "7F000001000000000000000000ABCDEF"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("find the message: broker NOT_FOUND"), std::string::npos)
      << unknown.err;
  // A message, and a topic without records of it.
  const run_result elsewhere = ctl({"trace", "get", id, "--topic", "orders"});
  EXPECT_EQ(elsewhere.exit_code, 1);
  EXPECT_NE(elsewhere.err.find("no trace records for this message in 'orders'"), std::string::npos)
      << elsewhere.err;
}

TEST_F(trace_broker_test, a_broker_without_the_tracer_writes_no_trace_topic) {
  start("");
  const std::string id = produce_consume_ack();
  ASSERT_FALSE(id.empty());
  std::this_thread::sleep_for(200ms);
  client::admin a = admin();
  ASSERT_TRUE(a.start());
  EXPECT_FALSE(a.describe_topic("RMQ_SYS_TRACE_TOPIC"));
  const run_result r = ctl({"trace", "get", id});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(r.err.empty());
}

}  // namespace
}  // namespace berth::test
