// The two message types of the client, both owning their data so that they can be kept,
// queued and moved between threads freely: `message` is what a producer sends,
// `received_message` what a consumer, a lookup or a reply hands back (every field the broker
// stored, copied out of the frame it came in).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berth::client {

// User and system properties, in the order they were set (names are unique).
using property_list = std::vector<std::pair<std::string, std::string>>;

namespace detail {
inline std::optional<std::string_view> find_property(const property_list& props,
                                                     std::string_view name) noexcept {
  for (const auto& [n, v] : props) {
    if (n == name) return std::string_view(v);
  }
  return std::nullopt;
}
inline void set_property(property_list& props, std::string_view name, std::string_view value) {
  for (auto& [n, v] : props) {
    if (n == name) {
      v = value;
      return;
    }
  }
  props.emplace_back(name, value);
}
}  // namespace detail

// A message to send. Only `topic` is required. Keys are indexed by the broker (admin's
// messages_by_key finds them) and may not contain spaces. A sharding key makes the message
// ordered: every message with the same key goes to the same queue, in send order. A message
// group (FIFO, RocketMQ 5's name) does the same and is also carried as the message's
// __SHARDINGKEY property, which FIFO pops (simple_consumer with fifo) order by; it picks the
// queue when both are set. An explicit queue id overrides them and the broker's choice.
struct message {
  std::string topic;
  std::string tags;
  std::vector<std::string> keys;
  property_list properties;
  std::string body;   // any bytes: std::string is the byte container here
  uint32_t flag = 0;  // opaque to the broker; carried to consumers
  std::optional<std::string> sharding_key;
  std::optional<std::string> message_group;
  std::optional<uint32_t> queue_id;
  // Delivered later: after RocketMQ's delay level (1..18: 1s 5s 10s 30s 1m 2m ... 1h 2h), or at
  // a time (Unix epoch milliseconds; a time passed is delivered at once). Not both, and not in
  // a batch: the broker answers INVALID_DELAY.
  std::optional<int> delay_level;
  std::optional<int64_t> deliver_at_ms;

  message() = default;
  message(std::string topic_name, std::string body_bytes)
      : topic(std::move(topic_name)), body(std::move(body_bytes)) {}

  // Replaces a property of the same name, else appends.
  message& set_property(std::string_view name, std::string_view value) {
    detail::set_property(properties, name, value);
    return *this;
  }
  [[nodiscard]] std::optional<std::string_view> property(std::string_view name) const noexcept {
    return detail::find_property(properties, name);
  }
  message& set_body(std::span<const std::byte> bytes) {
    body.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return *this;
  }
  message& set_body(std::span<const uint8_t> bytes) {
    body.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return *this;
  }
  [[nodiscard]] std::span<const std::byte> body_bytes() const noexcept {
    return std::as_bytes(std::span(body.data(), body.size()));
  }
};

// A message as the broker stored it (docs/protocol.md, "Stored message").
struct received_message {
  std::string topic;
  uint32_t queue_id = 0;
  uint64_t queue_offset = 0;
  uint64_t log_offset = 0;
  std::string message_id;  // the broker's id; admin::message_by_id finds it
  std::string tags;
  std::vector<std::string> keys;
  property_list properties;
  uint32_t flag = 0;
  uint32_t sys_flag = 0;
  uint32_t reconsume_times = 0;  // deliveries before this one (a push consumer's retries)
  int64_t born_time_ms = 0;      // the producer's clock, ms since the epoch
  int64_t store_time_ms = 0;     // the broker's clock
  std::string born_host;         // the producer's address as the broker saw it
  std::string store_host;
  std::string body;

  [[nodiscard]] std::optional<std::string_view> property(std::string_view name) const noexcept {
    return detail::find_property(properties, name);
  }
  [[nodiscard]] std::span<const std::byte> body_bytes() const noexcept {
    return std::as_bytes(std::span(body.data(), body.size()));
  }
};

}  // namespace berth::client
