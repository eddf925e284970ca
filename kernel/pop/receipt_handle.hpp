// Receipt handles: what a popped message is acknowledged by. A handle is base64url (no
// padding) of a fixed 37-byte payload — version, a hash of (group, topic), queue, offset, the
// delivery's nonce, its deadline — followed by the first 16 bytes of HMAC-SHA256 over the
// payload under the broker's secret (pop_key.hpp). Only this broker makes handles that verify;
// a forged, truncated or other-broker handle fails before any state is looked at.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace berth::kernel::pop {

using secret_key = std::array<uint8_t, 32>;

// What a handle names: one delivery of one message to one group.
struct receipt {
  uint64_t scope = 0;  // scope_of(group, topic)
  uint32_t queue = 0;
  uint64_t offset = 0;
  uint64_t nonce = 0;  // the delivery's; a later delivery or a CHANGE_INVISIBLE changes it
  int64_t deadline_ms = 0;

  bool operator==(const receipt&) const = default;
};

// A stable 64-bit hash of the (group, topic) pair a handle belongs to.
uint64_t scope_of(std::string_view group, std::string_view topic);

class handle_codec {
 public:
  static constexpr uint8_t version = 1;

  explicit handle_codec(const secret_key& key) : key_(key) {}

  [[nodiscard]] std::string encode(const receipt& r) const;
  // The receipt, or a message saying why the text is no handle of this broker.
  [[nodiscard]] std::variant<receipt, std::string> decode(std::string_view handle) const;

 private:
  secret_key key_;
};

}  // namespace berth::kernel::pop
