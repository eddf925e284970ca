// One value of every body type with no field left at its default, so that a round trip or a
// cut that loses a field shows. Views point at static data.
#pragma once

#include <berth/wire/bodies.hpp>
#include <berth/wire/transaction_bodies.hpp>
#include <berth/wire/pop_bodies.hpp>
#include <berth/wire/retry_bodies.hpp>
#include <berth/wire/lock_bodies.hpp>

#include <array>
#include <cstdint>
#include <limits>

namespace berth::wire::test {

inline constexpr std::array<uint8_t, 5> body_a{0x00, 0x01, 0xFE, 0xFF, 0x42};
inline constexpr std::array<uint8_t, 3> body_b{'x', 'y', 'z'};

inline message sample_message(int n = 0) {
  message m;
  m.topic = n == 0 ? "orders" : "orders-2";
  m.queue_id = n == 0 ? any_queue : 3;
  m.tags = "TagA";
  m.keys = "k1 k2";
  m.properties = {{"CORRELATION_ID", "c-17"}, {"REPLY_TO_CLIENT", "client@host"}};
  m.flag = 0x01020304;
  m.born_time_ms = 1'700'000'000'123;
  m.body = n == 0 ? bytes_view(body_a) : bytes_view(body_b);
  return m;
}

inline stored_message sample_stored(int n = 0) {
  stored_message m;
  m.topic = "orders";
  m.queue_id = 2 + static_cast<uint32_t>(n);
  m.queue_offset = 77 + static_cast<uint64_t>(n);
  m.log_offset = 0x1122334455667788;
  m.message_id = "7F00000100002A9F0000000000001000";
  m.tags = "TagA";
  m.keys = "k1";
  m.properties = {{"p", "v"}};
  m.flag = 5;
  m.sys_flag = 6;
  m.reconsume_times = 7;
  m.born_time_ms = -8;
  m.store_time_ms = 9;
  m.born_host = "10.0.0.1:5000";
  m.store_host = "10.0.0.2:10911";
  m.body = n == 0 ? bytes_view(body_a) : bytes_view(body_b);
  return m;
}

inline send_result sample_send_result(int n = 0) {
  return send_result{"7F00000100002A9F0000000000001000", 1 + static_cast<uint32_t>(n), 10, 20, 30};
}

inline group_queue sample_group_queue(int n = 0) {
  return group_queue{"orders", static_cast<uint32_t>(n), n == 0 ? no_offset : 4, 9, 5};
}

template <class T>
T sample();

template <>
inline empty_body sample() {
  return {};
}
template <>
inline error_response sample() {
  return {"topic 'x' does not exist"};
}
template <>
inline unsupported_version_response sample() {
  return {"version 2 unknown", 1};
}
template <>
inline hello_request sample() {
  return {"client-1", "berth-cpp 0.1.0", 3};
}
template <>
inline hello_response sample() {
  static constexpr uint8_t nonce[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  return {"berth-1", "0.1.0", 1, 16u << 20, 4u << 20, true, bytes_view(std::span(nonce))};
}
template <>
inline heartbeat_request sample() {
  return {"client-1",
          {{"g1", "orders", consume_model::broadcasting, filter_type::sql, "a > 1"},
           {"g2", "audit", consume_model::clustering, filter_type::tag, "TagA || TagB"}}};
}
template <>
inline message sample() {
  return sample_message();
}
template <>
inline send_result sample() {
  return sample_send_result();
}
template <>
inline send_batch_request sample() {
  return {{sample_message(0), sample_message(1)}};
}
template <>
inline send_batch_response sample() {
  return {{sample_send_result(0), sample_send_result(1)}};
}
template <>
inline pull_request sample() {
  return {"g1", "orders", 3, 100, 32, 1u << 20, 15000, filter_type::sql, "a > 1", true, 99};
}
template <>
inline pull_response sample() {
  return {pull_status::found, 102, 1, 500, {sample_stored(0), sample_stored(1)}};
}
template <>
inline commit_offset_request sample() {
  return {"g1", "orders", 3, 101};
}
template <>
inline query_offset_request sample() {
  return {"g1", "orders", 3};
}
template <>
inline query_offset_response sample() {
  return {true, 101};
}
template <>
inline query_assignment_request sample() {
  return {"g1", "orders", "client-1"};
}
template <>
inline query_assignment_response sample() {
  return {{0, 2, 7}};
}
template <>
inline topic_create_request sample() {
  return {"orders", 8, perm_read};
}
template <>
inline topic_request sample() {
  return {"orders"};
}
template <>
inline name_list sample() {
  return {{"orders", "audit", ""}};
}
template <>
inline topic_describe_response sample() {
  return {2, perm_write, {{0, 1, 10}, {1, 2, std::numeric_limits<uint64_t>::max()}}};
}
template <>
inline group_describe_request sample() {
  return {"g1"};
}
template <>
inline group_describe_response sample() {
  return {consume_model::broadcasting,
          {"client-1", "client-2"},
          {sample_group_queue(0), sample_group_queue(1)}};
}
template <>
inline group_reset_request sample() {
  return {"g1", "orders", reset_to::time, 1'700'000'000'000};
}
template <>
inline group_reset_response sample() {
  return {{sample_group_queue(0), sample_group_queue(1)}};
}
template <>
inline message_by_id_request sample() {
  return {"7F00000100002A9F0000000000001000"};
}
template <>
inline message_by_key_request sample() {
  return {"orders", "k1", -5, 6, 7};
}
template <>
inline stored_message_list sample() {
  return {{sample_stored(0), sample_stored(1)}};
}
template <>
inline message_at_request sample() {
  return {"orders", 3, 77};
}
template <>
inline group_changed_push sample() {
  return {"g1", "orders"};
}
template <>
inline stored_message sample() {
  return sample_stored();
}
template <>
inline end_transaction_request sample() {
  return {"tx-producers", "0A0B0C0D", 12, transaction_resolution::rollback, true};
}
template <>
inline producer_register_request sample() {
  return {"client@host", "tx-producers"};
}
template <>
inline check_transaction_push sample() {
  return {"0A0B0C0D", 12, sample_stored()};
}

template <>
inline pop_request sample() {
  return {"g1", "orders", -1, 16, 30000, 5000, filter_type::tag, "TagA || TagB", true, 5};
}
template <>
inline pop_response sample() {
  return {{{"handle-0", 1, 1700000000000, sample_stored(0)},
           {"handle-1", 3, 1700000001000, sample_stored(1)}}};
}
template <>
inline ack_request sample() {
  return {"g1", "orders", "handle-0"};
}
template <>
inline change_invisible_request sample() {
  return {"g1", "orders", "handle-0", 60000};
}
template <>
inline change_invisible_response sample() {
  return {"handle-2", 1700000060000};
}
template <>
inline recall_request sample() {
  return {"orders", 42, "0102FC0000000121F30B283B1100000000"};
}
template <>
inline send_back_request sample() {
  return {"g1", "%RETRY%g1", 0, 42, send_back_to_dead_letters, 3};
}
template <>
inline send_back_response sample() {
  return {false, "0A0B0C0D", 2, 1700000030000};
}
template <>
inline queue_lock_request sample() {
  return {"g1", "orders", "client-1", {0, 2, 3}};
}
template <>
inline queue_lock_response sample() {
  return {{0, 3}};
}

// Every frame header version 1 defines a body for.
inline std::vector<frame_header> all_headers() {
  std::vector<frame_header> out;
  for (const code c : all_codes) {
    out.push_back(request_header(c, 1));
    frame_header response = response_header(out.back());
    out.push_back(response);
    response.status = status::no_topic;
    out.push_back(response);
    response.status = status::unsupported_version;
    out.push_back(response);
    out.push_back(push_header(c));
  }
  return out;
}

template <class T>
std::vector<uint8_t> encoded(const T& value) {
  std::vector<uint8_t> out;
  writer w(out);
  value.encode(w);
  return out;
}

}  // namespace berth::wire::test
