#include "topic_tracer.hpp"

#include <berth/plugin/testing/fake_host.hpp>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <thread>

namespace berth::trace_topic {
namespace {

using namespace std::chrono_literals;

berth_str str(std::string_view s) { return berth_str{s.data(), s.size()}; }

class topic_tracer_test : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.set_string("topic", "RMQ_SYS_TRACE_TOPIC");
    fake_.set_int("queue_capacity", 1000);
    fake_.set_int("batch_records", 10);
    fake_.set_size("max_batch_bytes", 128'000);
    fake_.set_duration("flush_interval", 20ms);
  }

  std::unique_ptr<topic_tracer> make() { return std::make_unique<topic_tracer>(host_); }

  static berth_trace_event produced(const std::string& id) {
    static thread_local std::string held;
    held = id;
    berth_trace_event e{};
    e.struct_size = sizeof e;
    e.type = BERTH_TRACE_PRODUCE;
    e.time_ms = 1;
    e.topic = str("orders");
    e.message_id = str(held);
    e.client = str("127.0.0.1:1");
    return e;
  }

  // Records in everything appended so far.
  size_t records_appended() const {
    size_t n = 0;
    for (const auto& m : fake_.appended()) {
      n += static_cast<size_t>(std::count(m.body.begin(), m.body.end(), '\n'));
    }
    return n;
  }

  bool wait_for_records(size_t n, std::chrono::milliseconds timeout = 10s) const {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (records_appended() < n) {
      if (std::chrono::steady_clock::now() > until) return false;
      std::this_thread::sleep_for(5ms);
    }
    return true;
  }

  sdk::testing::fake_host fake_;
  sdk::host host_{fake_.table(), fake_.context()};
};

TEST_F(topic_tracer_test, events_become_json_lines_in_the_trace_topic_keyed_by_message_id) {
  auto tracer = make();
  for (int i = 0; i < 25; ++i) tracer->on_event(produced("id-" + std::to_string(i)));
  ASSERT_TRUE(wait_for_records(25));
  const auto messages = fake_.appended();
  ASSERT_GE(messages.size(), 3u);  // 10 records per message at most
  for (const auto& m : messages) {
    EXPECT_EQ(m.topic, "RMQ_SYS_TRACE_TOPIC");
    EXPECT_EQ(m.tags, "trace");
  }
  EXPECT_EQ(messages[0].keys, "orders:0:0");  // every event here is at offset 0 of queue 0
  const auto first = nlohmann::json::parse(messages[0].body.substr(0, messages[0].body.find('\n')));
  EXPECT_EQ(first["type"], "produce");
  EXPECT_EQ(first["messages"][0]["message_id"], "id-0");
  EXPECT_EQ(fake_.metric("trace_records_total"), 25);
  EXPECT_EQ(fake_.metric("trace_dropped_total"), 0);
}

TEST_F(topic_tracer_test, the_events_of_one_request_become_one_line) {
  auto tracer = make();
  std::vector<berth_trace_event> events;
  std::vector<std::string> ids;
  for (int i = 0; i < 16; ++i) ids.push_back("batch-" + std::to_string(i));
  for (int i = 0; i < 16; ++i) {
    berth_trace_event e = produced("unused");
    e.message_id = str(ids[static_cast<size_t>(i)]);
    e.queue_offset = static_cast<uint64_t>(i);
    events.push_back(e);
  }
  std::vector<const berth_trace_event*> pointers;
  for (const auto& e : events) pointers.push_back(&e);
  tracer->on_events(pointers);
  ASSERT_TRUE(wait_for_records(1));
  const auto messages = fake_.appended();
  ASSERT_EQ(messages.size(), 1u);
  const auto line = nlohmann::json::parse(messages[0].body);
  ASSERT_EQ(line["messages"].size(), 16u);
  EXPECT_EQ(line["messages"][15]["message_id"], "batch-15");
  EXPECT_EQ(messages[0].keys, "orders:0:0");
  while (fake_.metric("trace_records_total") < 16) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(fake_.metric("trace_records_total"), 16);
}

TEST_F(topic_tracer_test, records_the_store_refuses_are_kept_and_written_when_it_recovers) {
  fake_.answer_appends(BERTH_E_CLOSED);  // as before the broker's store is ready
  auto tracer = make();
  for (int i = 0; i < 5; ++i) tracer->on_event(produced("early-" + std::to_string(i)));
  while (fake_.append_calls() < 2) std::this_thread::sleep_for(5ms);  // refused, retried
  EXPECT_EQ(records_appended(), 0u);
  fake_.answer_appends(BERTH_OK);
  ASSERT_TRUE(wait_for_records(5));
  EXPECT_GE(fake_.metric("trace_write_failures_total"), 2);
  EXPECT_EQ(fake_.metric("trace_dropped_total"), 0);
}

TEST_F(topic_tracer_test, a_full_queue_drops_and_counts_without_blocking_the_reporter) {
  fake_.set_int("queue_capacity", 100);
  fake_.set_duration("flush_interval", std::chrono::minutes(1));  // the writer takes whole batches
  fake_.hold_appends(true);  // the store does not keep up: the writer waits in append
  auto tracer = make();
  // The writer wakes at half the capacity (50 records) and takes them.
  for (int i = 0; i < 50; ++i) tracer->on_event(produced("first-" + std::to_string(i)));
  while (fake_.append_calls() < 1) std::this_thread::sleep_for(1ms);  // writer now stuck
  // With the writer stuck, every event still returns at once: 100 are queued, the rest dropped.
  // (Were on_event to wait for room, this loop would never end and the test would time out.)
  for (int i = 0; i < 5000; ++i) tracer->on_event(produced("more-" + std::to_string(i)));
  EXPECT_EQ(fake_.metric("trace_dropped_total"), 4900);
  fake_.hold_appends(false);
  ASSERT_TRUE(wait_for_records(150));
  EXPECT_EQ(fake_.metric("trace_records_total"), 150);
  bool warned = false;
  for (const std::string& line : fake_.logs()) {
    warned = warned || line.find("dropped: the trace queue is full") != std::string::npos;
  }
  EXPECT_TRUE(warned);
}

TEST_F(topic_tracer_test, what_is_queued_is_written_when_the_tracer_is_destroyed) {
  fake_.set_duration("flush_interval", std::chrono::minutes(1));
  auto tracer = make();
  for (int i = 0; i < 3; ++i) tracer->on_event(produced("last-" + std::to_string(i)));
  tracer.reset();  // the broker stops: no waiting for the minute
  EXPECT_EQ(records_appended(), 3u);
}

TEST_F(topic_tracer_test, refused_at_shutdown_the_records_are_counted_as_dropped) {
  fake_.set_duration("flush_interval", std::chrono::minutes(1));
  fake_.answer_appends(BERTH_E_FULL);
  auto tracer = make();
  for (int i = 0; i < 4; ++i) tracer->on_event(produced("lost-" + std::to_string(i)));
  tracer.reset();
  EXPECT_EQ(fake_.metric("trace_dropped_total"), 4);
}

TEST_F(topic_tracer_test, a_topic_that_is_not_the_brokers_own_is_refused) {
  fake_.set_string("topic", "orders");
  try {
    make();
    FAIL() << "a user topic was accepted";
  } catch (const sdk::plugin_error& e) {
    EXPECT_EQ(e.status(), BERTH_E_INVALID);
    EXPECT_NE(std::string(e.what()).find("RMQ_SYS_"), std::string::npos);
  }
}

}  // namespace
}  // namespace berth::trace_topic
