#include "trace_record.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstddef>

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
  const auto j = parsed(record_of(full_event()));
  EXPECT_EQ(j["type"], "deliver");
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
  EXPECT_FALSE(j.contains("tags"));
  EXPECT_EQ(j["status"], BERTH_E_FULL);
}

TEST(trace_record, an_event_from_a_kernel_before_1_6_has_no_traceparent) {
  berth_trace_event e = full_event();
  e.struct_size = offsetof(berth_trace_event, traceparent);  // as a 1.5 kernel sends it
  const auto j = parsed(record_of(e));
  EXPECT_FALSE(j.contains("traceparent"));
  EXPECT_EQ(j["cost_us"], 17);
}

TEST(trace_record, producer_bytes_that_are_not_utf8_are_replaced_not_refused) {
  berth_trace_event e = full_event();
  e.tags = str("bad\xff\xfe");
  EXPECT_EQ(parsed(record_of(e))["tags"].get<std::string>().substr(0, 3), "bad");
  e.keys = str("quote\" and \\ and\nnewline");
  EXPECT_EQ(parsed(record_of(e))["keys"], "quote\" and \\ and\nnewline");
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
  EXPECT_EQ(record_of(e).key(), "orders:3:2");
  e.queue_offset = 32;  // the same 16 offsets: the same key
  EXPECT_EQ(record_of(e).key(), "orders:3:2");
  e.queue_offset = 48;
  EXPECT_EQ(record_of(e).key(), "orders:3:3");
  EXPECT_EQ(position_key("orders", 3, 47), "orders:3:2");
  e.type = BERTH_TRACE_COMMIT;
  e.message_id = str("");
  const trace_record commit = record_of(e);
  EXPECT_EQ(commit.key(), "commit:orders:3");
  const auto j = parsed(commit);
  EXPECT_EQ(j["type"], "commit");
  EXPECT_FALSE(j.contains("message_id"));
  EXPECT_FALSE(j.contains("body_size"));
}

}  // namespace
}  // namespace berth::trace_topic
