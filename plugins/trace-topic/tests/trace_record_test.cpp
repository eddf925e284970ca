#include "trace_record.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <vector>

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

nlohmann::json parsed(const trace_record& r) {
  EXPECT_FALSE(r.line().empty());
  EXPECT_EQ(r.line().back(), '\n');
  EXPECT_EQ(r.line().find('\n'), r.line().size() - 1) << "one line";
  return nlohmann::json::parse(r.line());
}

TEST(trace_record, is_one_json_line_naming_every_field_of_the_event) {
  const trace_record r = record_of(full_event());
  EXPECT_EQ(r.events(), 1u);
  const auto j = parsed(r);
  EXPECT_EQ(j["type"], "deliver");
  EXPECT_EQ(j["time_ms"], 1'700'000'000'123);
  EXPECT_EQ(j["topic"], "orders");
  EXPECT_EQ(j["queue_id"], 3);
  EXPECT_EQ(j["group"], "billing");
  EXPECT_EQ(j["client"], "127.0.0.1:50000");
  EXPECT_EQ(j["principal"], "alice");
  EXPECT_EQ(j["cost_us"], 17);
  EXPECT_EQ(j["status"], 0);
  ASSERT_EQ(j["messages"].size(), 1u);
  const auto& m = j["messages"][0];
  EXPECT_EQ(m["message_id"], "7F0000010000271200000000000004D2");
  EXPECT_EQ(m["queue_offset"], 42);
  EXPECT_EQ(m["tags"], "paid");
  EXPECT_EQ(m["keys"], "order-1 order-2");
  EXPECT_EQ(m["traceparent"], "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  EXPECT_EQ(m["body_size"], 512);
}

TEST(trace_record, the_messages_of_one_request_share_a_line) {
  std::vector<berth_trace_event> events(20, full_event());
  for (size_t i = 0; i < events.size(); ++i) events[i].queue_offset = 10 + i;  // 10..29
  events[18].queue_id = 4;  // another queue: another line
  events[19].queue_id = 4;
  std::vector<const berth_trace_event*> pointers;
  for (const auto& e : events) pointers.push_back(&e);
  const auto records = records_of(pointers);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].events(), 18u);
  EXPECT_EQ(records[0].keys(), "orders:3:0 orders:3:1");  // offsets 10-15, 16-27
  EXPECT_EQ(records[1].keys(), "orders:4:1");
  const auto j = parsed(records[0]);
  ASSERT_EQ(j["messages"].size(), 18u);
  EXPECT_EQ(j["messages"][17]["queue_offset"], 27);
  EXPECT_EQ(parsed(records[1])["queue_id"], 4);
}

TEST(trace_record, a_line_lists_at_most_max_messages_per_line) {
  std::vector<berth_trace_event> events(max_messages_per_line * 2 + 1, full_event());
  std::vector<const berth_trace_event*> pointers;
  for (const auto& e : events) pointers.push_back(&e);
  const auto records = records_of(pointers);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].events(), max_messages_per_line);
  EXPECT_EQ(records[2].events(), 1u);
}

TEST(trace_record, leaves_empty_fields_out_and_reports_a_failure) {
  berth_trace_event e = full_event();
  e.type = BERTH_TRACE_PRODUCE;
  e.group = str("");
  e.principal = str("");
  e.tags = str("");
  e.status = BERTH_E_FULL;
  const auto j = parsed(record_of(e));
  EXPECT_EQ(j["type"], "produce");
  EXPECT_FALSE(j.contains("group"));
  EXPECT_FALSE(j.contains("principal"));
  EXPECT_FALSE(j["messages"][0].contains("tags"));
  EXPECT_EQ(j["status"], BERTH_E_FULL);
}

TEST(trace_record, an_event_from_a_kernel_before_1_6_has_no_traceparent) {
  berth_trace_event e = full_event();
  e.struct_size = offsetof(berth_trace_event, traceparent);  // as a 1.5 kernel sends it
  const auto j = parsed(record_of(e));
  EXPECT_FALSE(j["messages"][0].contains("traceparent"));
  EXPECT_EQ(j["cost_us"], 17);
}

TEST(trace_record, producer_bytes_that_are_not_utf8_are_replaced_not_refused) {
  berth_trace_event e = full_event();
  e.tags = str("bad\xff\xfe");
  EXPECT_EQ(parsed(record_of(e))["messages"][0]["tags"].get<std::string>().substr(0, 3), "bad");
  e.keys = str("quote\" and \\ and\nnewline");
  EXPECT_EQ(parsed(record_of(e))["messages"][0]["keys"], "quote\" and \\ and\nnewline");
}

TEST(trace_record, names_its_type) {
  std::string scratch;
  EXPECT_EQ(type_name(BERTH_TRACE_PRODUCE, scratch), "produce");
  EXPECT_EQ(type_name(BERTH_TRACE_DELIVER, scratch), "deliver");
  EXPECT_EQ(type_name(BERTH_TRACE_ACK, scratch), "ack");
  EXPECT_EQ(type_name(BERTH_TRACE_COMMIT, scratch), "commit");
  EXPECT_EQ(type_name(99, scratch), "event-99");
}

TEST(trace_record, is_found_by_its_position_and_a_commit_by_its_queue) {
  berth_trace_event e = full_event();  // queue 3, offset 42
  EXPECT_EQ(record_of(e).keys(), "orders:3:2");
  e.queue_offset = 32;  // the same 16 offsets: the same key
  EXPECT_EQ(record_of(e).keys(), "orders:3:2");
  e.queue_offset = 48;
  EXPECT_EQ(record_of(e).keys(), "orders:3:3");
  EXPECT_EQ(position_key("orders", 3, 47), "orders:3:2");
  e.type = BERTH_TRACE_COMMIT;
  e.message_id = str("");
  const trace_record commit = record_of(e);
  EXPECT_EQ(commit.keys(), "commit:orders:3");
  const auto j = parsed(commit);
  EXPECT_EQ(j["type"], "commit");
  EXPECT_EQ(j["queue_offset"], 48);
  EXPECT_FALSE(j.contains("messages"));
  EXPECT_FALSE(j.contains("message_id"));
}

}  // namespace
}  // namespace berth::trace_topic
