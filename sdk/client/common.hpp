// What the client's classes share: ids, the conversions between the public owning types and
// the codec's views, the checks a message passes before it is sent.
#pragma once

#include <berth/client/error.hpp>
#include <berth/client/message.hpp>
#include <berth/client/types.hpp>
#include <berth/wire/bodies.hpp>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace berth::client::internal {

// "<hostname>@<pid>#<counter>", the counter counting clients made by this process.
std::string default_client_id();

// Ids unique across producers and time: 32 hex digits (a random per-source prefix, the time,
// a counter). For UNIQ_KEY and CORRELATION_ID.
class unique_ids {
 public:
  unique_ids();
  std::string next();

 private:
  uint64_t prefix_;
  std::atomic<uint32_t> counter_{0};
};

// FNV-1a, 64 bits: the same key gives the same queue in every process and version.
[[nodiscard]] constexpr uint64_t fnv1a_64(std::string_view s) noexcept {
  uint64_t h = 14695981039346656037ull;
  for (const char c : s) {
    h ^= static_cast<uint8_t>(c);
    h *= 1099511628211ull;
  }
  return h;
}

[[nodiscard]] int64_t now_ms() noexcept;

std::vector<std::string> split_keys(std::string_view keys);

// The client-side checks of a message to send ("message 3: ..." with a prefix).
result<void> check_message(const message& m, std::string_view prefix = {});

// What the producer adds to a message as it sends it: properties from its fields (each
// replaces a property of the same name, as message::set_property does; UNIQ_KEY only when the
// message has none), its keys joined, its born time. Kept beside the message, so that a batch
// is encoded from the caller's messages without copying them.
struct send_extras {
  std::vector<std::pair<std::string_view, std::string>> properties;
  std::string keys;
  int64_t born_time_ms = 0;
};
[[nodiscard]] send_extras extras_for(const message& m, unique_ids& ids);
// The codec's view of `m` with `x`; it points into both.
[[nodiscard]] wire::message send_view(const message& m, const send_extras& x, int32_t queue_id);

// A message kept for a later (re)encoding: its own copy and its extras.
struct prepared_message {
  message msg;
  send_extras extras;

  [[nodiscard]] wire::message view(int32_t queue_id) const { return send_view(msg, extras, queue_id); }
};

received_message to_received(const wire::stored_message& m);
std::vector<received_message> to_received(const std::vector<wire::stored_message>& list);
send_receipt to_receipt(const wire::send_result& r);
topic_info to_topic_info(std::string_view name, const wire::topic_describe_response& d);
group_queue_info to_group_queue(const wire::group_queue& q);

}  // namespace berth::client::internal
