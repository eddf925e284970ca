#include "trace_record.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace berth::trace_topic {
namespace {

berth_str str(std::string_view s) { return berth_str{s.data(), s.size()}; }

berth_trace_event full_event() {
  berth_trace_event e{};
  e.struct_size = sizeof e;
  e.type = BERTH_TRACE_DELIVER;
  e.time_ms = 1'700'000'000'123;
  e.topic = str("orders");
  e.queue_id = 3;
  e.status = BERTH_OK;
  e.queue_offset = 42;
  e.message_id = str("7F0000010000271200000000000004D2");
  e.tags = str("paid");
  e.keys = str("order-1 order-2");
  e.group = str("billing");
  e.client = str("127.0.0.1:50000");
  e.principal = str("alice");
  e.body_size = 512;
  e.latency_us = 17;
  e.traceparent = str("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  return e;
}

TEST(trace_record, copies_every_field_of_the_event) {
  const trace_record r = record_of(full_event());
  EXPECT_EQ(r.type, BERTH_TRACE_DELIVER);
  EXPECT_EQ(r.time_ms, 1'700'000'000'123);
  EXPECT_EQ(r.topic, "orders");
  EXPECT_EQ(r.queue_id, 3u);
  EXPECT_EQ(r.queue_offset, 42u);
  EXPECT_EQ(r.message_id, "7F0000010000271200000000000004D2");
  EXPECT_EQ(r.tags, "paid");
  EXPECT_EQ(r.keys, "order-1 order-2");
  EXPECT_EQ(r.group, "billing");
  EXPECT_EQ(r.client, "127.0.0.1:50000");
  EXPECT_EQ(r.principal, "alice");
  EXPECT_EQ(r.body_size, 512u);
  EXPECT_EQ(r.latency_us, 17u);
  EXPECT_EQ(r.traceparent, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
}

TEST(trace_record, an_event_from_a_kernel_before_1_6_has_no_traceparent) {
  berth_trace_event e = full_event();
  e.struct_size = offsetof(berth_trace_event, traceparent);  // as a 1.5 kernel sends it
  EXPECT_EQ(record_of(e).traceparent, "");
  EXPECT_EQ(record_of(e).latency_us, 17u);
}

TEST(trace_record, a_json_line_names_every_field) {
  const std::string line = to_json_line(record_of(full_event()), "broker-a");
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["type"], "deliver");
  EXPECT_EQ(j["broker"], "broker-a");
  EXPECT_EQ(j["time_ms"], 1'700'000'000'123);
  EXPECT_EQ(j["topic"], "orders");
  EXPECT_EQ(j["queue_id"], 3);
  EXPECT_EQ(j["queue_offset"], 42);
  EXPECT_EQ(j["message_id"], "7F0000010000271200000000000004D2");
  EXPECT_EQ(j["tags"], "paid");
  EXPECT_EQ(j["keys"], "order-1 order-2");
  EXPECT_EQ(j["group"], "billing");
  EXPECT_EQ(j["client"], "127.0.0.1:50000");
  EXPECT_EQ(j["principal"], "alice");
  EXPECT_EQ(j["traceparent"], "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  EXPECT_EQ(j["body_size"], 512);
  EXPECT_EQ(j["cost_us"], 17);
  EXPECT_EQ(j["status"], 0);
}

TEST(trace_record, bytes_that_are_not_utf8_are_replaced_not_refused) {
  trace_record r = record_of(full_event());
  r.tags = std::string("bad\xff\xfe", 5);
  const auto j = nlohmann::json::parse(to_json_line(r, "b"));
  EXPECT_EQ(j["tags"].get<std::string>().substr(0, 3), "bad");
}

TEST(trace_record, names_its_type) {
  EXPECT_EQ(type_name(BERTH_TRACE_PRODUCE), "produce");
  EXPECT_EQ(type_name(BERTH_TRACE_DELIVER), "deliver");
  EXPECT_EQ(type_name(BERTH_TRACE_ACK), "ack");
  EXPECT_EQ(type_name(BERTH_TRACE_COMMIT), "commit");
  EXPECT_EQ(type_name(99), "event-99");
}

TEST(trace_record, is_found_by_its_message_id_and_a_commit_by_its_queue) {
  trace_record r = record_of(full_event());
  EXPECT_EQ(lookup_key(r), "7F0000010000271200000000000004D2");
  r.type = BERTH_TRACE_COMMIT;
  r.message_id.clear();
  EXPECT_EQ(lookup_key(r), "commit:orders:3");
  const auto j = nlohmann::json::parse(to_json_line(r, "b"));
  EXPECT_EQ(j["type"], "commit");
  EXPECT_FALSE(j.contains("message_id"));
  EXPECT_FALSE(j.contains("body_size"));
}

}  // namespace
}  // namespace berth::trace_topic
