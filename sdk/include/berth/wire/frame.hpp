// The 24-byte frame header (docs/protocol.md, "Frames"): constants, encoding, and the checks a
// receiver makes before it allocates anything for a frame.
//
// Stream reading with these functions:
//   1. peek_length() on the first 4 bytes decides malformed (length < 20) or too large (over
//      the receiver's limit) before anything is buffered for the frame;
//   2. decode_header() on the first 24 bytes checks the magic and the version;
//   3. once frame_size() bytes are there, frame_body() is the body for the code's decoder.
// The outcome never depends on how the bytes were split into reads: the length checks use the
// first 4 bytes only, the magic and version checks the first 24.
#pragma once

#include <berth/wire/codes.hpp>
#include <berth/wire/endian.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace berth::wire {

inline constexpr uint16_t frame_magic = 0xB7E1;
inline constexpr uint8_t protocol_version = 1;  // the only version this codec speaks
inline constexpr size_t length_size = 4;        // the length field, not counted by itself
inline constexpr size_t header_size = 24;
inline constexpr uint32_t min_length = header_size - length_size;  // a frame without a body
inline constexpr uint32_t flag_oneway = 1u << 0;  // request: answer nothing, not even errors
inline constexpr uint32_t flag_signed = 1u << 1;  // request: the body starts with a signature block
inline constexpr size_t default_max_frame_size = size_t{16} << 20;  // the broker's default

struct frame_header {
  uint32_t length = min_length;  // bytes after the length field: header rest + body
  uint8_t version = protocol_version;
  wire::kind kind = wire::kind::request;
  wire::code code = wire::code::hello;
  wire::status status = wire::status::ok;  // responses only; 0 in requests and pushes
  uint32_t flags = 0;
  uint64_t request_id = 0;  // echoed in the response; 0 in pushes

  [[nodiscard]] size_t frame_size() const noexcept { return length_size + length; }
  [[nodiscard]] size_t body_size() const noexcept { return length - size_t{min_length}; }
  [[nodiscard]] bool oneway() const noexcept { return (flags & flag_oneway) != 0; }
  [[nodiscard]] bool is_signed() const noexcept { return (flags & flag_signed) != 0; }

  bool operator==(const frame_header&) const = default;
};

[[nodiscard]] inline frame_header request_header(wire::code c, uint64_t request_id,
                                                 uint32_t flags = 0) noexcept {
  frame_header h;
  h.kind = kind::request;
  h.code = c;
  h.flags = flags;
  h.request_id = request_id;
  return h;
}

[[nodiscard]] inline frame_header response_header(const frame_header& request,
                                                  wire::status s = status::ok) noexcept {
  frame_header h;
  h.kind = kind::response;
  h.code = request.code;
  h.status = s;
  h.request_id = request.request_id;
  return h;
}

[[nodiscard]] inline frame_header push_header(wire::code c) noexcept {
  frame_header h;
  h.kind = kind::push;
  h.code = c;
  return h;
}

// Write the header, magic included, into `out`.
inline void encode_header(const frame_header& h, std::span<uint8_t, header_size> out) noexcept {
  detail::store_le(out.data() + 0, h.length);
  detail::store_le(out.data() + 4, frame_magic);
  out[6] = h.version;
  out[7] = static_cast<uint8_t>(h.kind);
  detail::store_le(out.data() + 8, static_cast<uint16_t>(h.code));
  detail::store_le(out.data() + 10, static_cast<uint16_t>(h.status));
  detail::store_le(out.data() + 12, h.flags);
  detail::store_le(out.data() + 16, h.request_id);
}

[[nodiscard]] inline std::array<uint8_t, header_size> encode_header(
    const frame_header& h) noexcept {
  std::array<uint8_t, header_size> out{};
  encode_header(h, out);
  return out;
}

enum class header_state : uint8_t {
  ok,
  need_more,            // fewer bytes than `needed`: read more and try again
  malformed,            // bad magic or length < 20: answer MALFORMED_FRAME, close
  too_large,            // length over the limit: answer FRAME_TOO_LARGE, close
  unsupported_version,  // answer UNSUPPORTED_VERSION, skip frame_size() bytes, stay open
};

struct header_result {
  header_state state = header_state::need_more;
  // ok, unsupported_version: every field (the version-1 layout); too_large: the length only.
  frame_header header{};
  size_t needed = 0;   // need_more: bytes needed in all (4, then 24)
  std::string reason;  // malformed, too_large, unsupported_version: why, for logs and answers

  [[nodiscard]] bool ok() const noexcept { return state == header_state::ok; }
  // The status to answer with; ok for ok and need_more.
  [[nodiscard]] wire::status answer() const noexcept {
    switch (state) {
      case header_state::malformed: return status::malformed_frame;
      case header_state::too_large: return status::frame_too_large;
      case header_state::unsupported_version: return status::unsupported_version;
      case header_state::ok:
      case header_state::need_more: break;
    }
    return status::ok;
  }
};

// Check the length field alone: `state` is ok (header.length set), need_more, malformed or
// too_large. `max_length` bounds the length field, as the broker's max_frame_size does.
[[nodiscard]] inline header_result peek_length(std::span<const uint8_t> bytes, size_t max_length) {
  header_result r;
  if (bytes.size() < length_size) {
    r.needed = length_size;
    return r;
  }
  r.header.length = detail::load_le<uint32_t>(bytes.data());
  if (r.header.length < min_length) {
    r.state = header_state::malformed;
    r.reason = "frame length " + std::to_string(r.header.length) + " is below the minimum " +
               std::to_string(min_length);
  } else if (r.header.length > max_length) {
    r.state = header_state::too_large;
    r.reason = "frame length " + std::to_string(r.header.length) + " is over the limit " +
               std::to_string(max_length);
  } else {
    r.state = header_state::ok;
  }
  return r;
}

// Check and decode the header; see header_state for what each outcome asks of the caller.
[[nodiscard]] inline header_result decode_header(std::span<const uint8_t> bytes,
                                                 size_t max_length) {
  header_result r = peek_length(bytes, max_length);
  if (r.state != header_state::ok) return r;
  if (bytes.size() < header_size) {
    r.state = header_state::need_more;
    r.needed = header_size;
    return r;
  }
  const uint8_t* p = bytes.data();
  const auto magic = detail::load_le<uint16_t>(p + 4);
  if (magic != frame_magic) {
    static constexpr char digits[] = "0123456789ABCDEF";
    r.state = header_state::malformed;
    r.reason = "bad magic 0x";
    for (int shift = 12; shift >= 0; shift -= 4) r.reason += digits[(magic >> shift) & 0xF];
    r.reason += " (expected 0xB7E1)";
    return r;
  }
  r.header.version = p[6];
  r.header.kind = static_cast<wire::kind>(p[7]);
  r.header.code = static_cast<wire::code>(detail::load_le<uint16_t>(p + 8));
  r.header.status = static_cast<wire::status>(detail::load_le<uint16_t>(p + 10));
  r.header.flags = detail::load_le<uint32_t>(p + 12);
  r.header.request_id = detail::load_le<uint64_t>(p + 16);
  if (r.header.version != protocol_version) {
    r.state = header_state::unsupported_version;
    r.reason = "protocol version " + std::to_string(r.header.version) +
               " is not spoken (highest: " + std::to_string(protocol_version) + ")";
  }
  return r;
}

// The body of a complete frame (at least header.frame_size() bytes, header first).
[[nodiscard]] inline std::span<const uint8_t> frame_body(std::span<const uint8_t> frame,
                                                         const frame_header& h) noexcept {
  return frame.subspan(header_size, h.body_size());
}

}  // namespace berth::wire
