// Broker-assigned message ids, as RocketMQ's "offset message id": uppercase hex of the store
// host's address (IPv4: 4 bytes, IPv6: 16), its port (4 bytes, big-endian) and the message's
// log offset (8 bytes, big-endian); 32 characters for IPv4, 56 for IPv6. A store host that is
// not "ip:port" encodes as 0.0.0.0:0. Decoding gives back the log offset for a direct lookup.
#pragma once

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace berth::sdk {

namespace detail {

inline void put_hex(std::string& out, const uint8_t* bytes, size_t n) {
  static constexpr char digits[] = "0123456789ABCDEF";
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 0xF]);
  }
}

inline void put_be(std::string& out, uint64_t value, size_t n) {
  std::array<uint8_t, 8> b{};
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(value >> (8 * (n - 1 - i)));
  put_hex(out, b.data(), n);
}

}  // namespace detail

// The part of an id that names the store host (hex of address and port): the same for every
// message a broker stores, so a store computes it once, not per message.
inline std::string message_id_prefix(std::string_view store_host) {
  std::string id;
  id.reserve(56);
  const size_t colon = store_host.rfind(':');
  std::string address(store_host.substr(0, colon == std::string_view::npos ? 0 : colon));
  if (address.size() > 2 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
  }
  uint32_t port = 0;
  bool has_port = false;
  if (colon != std::string_view::npos) {
    const std::string_view p = store_host.substr(colon + 1);
    has_port = std::from_chars(p.data(), p.data() + p.size(), port).ec == std::errc{};
  }
  std::array<uint8_t, 16> v6{};
  std::array<uint8_t, 4> v4{};
  if (has_port && inet_pton(AF_INET, address.c_str(), v4.data()) == 1) {
    detail::put_hex(id, v4.data(), v4.size());
  } else if (has_port && inet_pton(AF_INET6, address.c_str(), v6.data()) == 1) {
    detail::put_hex(id, v6.data(), v6.size());
  } else {
    port = 0;
    detail::put_hex(id, v4.data(), v4.size());
  }
  detail::put_be(id, port, 4);
  return id;
}

// The id of the message at `log_offset`, from its host's message_id_prefix().
inline std::string message_id_with_prefix(std::string_view prefix, uint64_t log_offset) {
  std::string id;
  id.reserve(prefix.size() + 16);
  id.append(prefix);
  detail::put_be(id, log_offset, 8);
  return id;
}

// The same id into a fixed buffer (an ABI result's field), NUL-terminated, cut to fit: no
// allocation per message.
inline void write_message_id(std::string_view prefix, uint64_t log_offset, std::span<char> out) {
  if (out.empty()) return;
  static constexpr char digits[] = "0123456789ABCDEF";
  size_t n = 0;
  const size_t room = out.size() - 1;
  for (size_t i = 0; i < prefix.size() && n < room; ++i) out[n++] = prefix[i];
  for (int shift = 60; shift >= 0 && n < room; shift -= 4) {
    out[n++] = digits[(log_offset >> shift) & 0xF];
  }
  std::fill(out.begin() + static_cast<std::ptrdiff_t>(n), out.end(), '\0');
}

inline std::string make_message_id(std::string_view store_host, uint64_t log_offset) {
  return message_id_with_prefix(message_id_prefix(store_host), log_offset);
}

// The log offset an id names, or nullopt when the text is not such an id.
inline std::optional<uint64_t> message_id_offset(std::string_view id) {
  if (id.size() != 32 && id.size() != 56) return std::nullopt;
  for (const char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'))) {
      return std::nullopt;
    }
  }
  uint64_t offset = 0;
  const std::string_view tail = id.substr(id.size() - 16);
  std::from_chars(tail.data(), tail.data() + tail.size(), offset, 16);
  return offset;
}

}  // namespace berth::sdk
