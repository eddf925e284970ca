// Signed requests (docs/protocol.md, "Signed requests"). A request with flag_signed in its
// header starts its body with a signature block, then the code's own fields:
//
//   str access_key, i64 timestamp_ms, bytes signature (32: HMAC-SHA256)
//
// The signature is HMAC-SHA256, keyed with the account's secret key, over the signed prefix
// (below) followed by the code's own fields (the body after the block). The prefix binds it to
// this request (code, flags, request id), this time, this key and this connection (the nonce
// the broker gave in HELLO), so a signed request cannot be replayed elsewhere; on its own
// connection, request ids must grow.
//
//   "BERTH-HMAC-SHA256" | u16 code | u32 flags | u64 request_id | i64 timestamp_ms |
//   16 bytes auth_nonce | u8 access_key length | access_key
//
// This header builds and reads those bytes; computing the HMAC is the caller's (OpenSSL).
#pragma once

#include <berth/wire/endian.hpp>
#include <berth/wire/frame.hpp>
#include <berth/wire/reader.hpp>
#include <berth/wire/writer.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace berth::wire {

inline constexpr size_t signature_size = 32;     // HMAC-SHA256
inline constexpr size_t auth_nonce_size = 16;    // given by the broker in HELLO
inline constexpr size_t max_access_key_bytes = 128;
inline constexpr std::string_view signature_label = "BERTH-HMAC-SHA256";

using auth_nonce = std::array<uint8_t, auth_nonce_size>;

struct signature_block {
  std::string_view access_key;
  int64_t timestamp_ms = 0;
  bytes_view signature;

  void encode(writer& w) const {
    w.str(access_key);
    w.i64(timestamp_ms);
    w.bytes(signature);
  }
  void read(reader& r) {
    access_key = r.str("access_key");
    timestamp_ms = r.i64("timestamp_ms");
    signature = r.bytes("signature");
  }
  [[nodiscard]] size_t wire_size() const noexcept {
    return 2 + access_key.size() + 8 + 4 + signature.size();
  }
};

// The bytes signed before the body: fixed size but for the access key.
class signed_prefix {
 public:
  signed_prefix(const frame_header& h, int64_t timestamp_ms, std::span<const uint8_t> nonce,
                std::string_view access_key) noexcept {
    put(signature_label.data(), signature_label.size());
    put_le(static_cast<uint16_t>(h.code));
    put_le(h.flags);
    put_le(h.request_id);
    put_le(timestamp_ms);
    std::array<uint8_t, auth_nonce_size> n{};
    for (size_t i = 0; i < n.size() && i < nonce.size(); ++i) n[i] = nonce[i];
    put(n.data(), n.size());
    const size_t key = access_key.size() < max_access_key_bytes ? access_key.size()
                                                                : max_access_key_bytes;
    bytes_[size_++] = static_cast<uint8_t>(key);
    put(access_key.data(), key);
  }
  [[nodiscard]] std::span<const uint8_t> bytes() const noexcept { return {bytes_.data(), size_}; }

 private:
  static constexpr size_t capacity =
      signature_label.size() + 2 + 4 + 8 + 8 + auth_nonce_size + 1 + max_access_key_bytes;

  void put(const void* data, size_t n) noexcept {
    const auto* p = static_cast<const uint8_t*>(data);
    for (size_t i = 0; i < n; ++i) bytes_[size_++] = p[i];
  }
  template <class T>
  void put_le(T v) noexcept {
    detail::store_le(bytes_.data() + size_, v);
    size_ += sizeof(T);
  }

  std::array<uint8_t, capacity> bytes_{};
  size_t size_ = 0;
};

// A signed request's body, split: the block and the code's own fields after it.
struct signed_body {
  signature_block block;
  std::span<const uint8_t> rest;
};

// Split `body` of a request with flag_signed; the reader's error names what is wrong.
[[nodiscard]] inline decoded<signed_body> split_signed(std::span<const uint8_t> body,
                                                       wire::code c) {
  reader r(body, c);
  signed_body out;
  out.block.read(r);
  if (r.ok() && out.block.signature.size() != signature_size) {
    r.fail("signature", std::to_string(out.block.signature.size()) +
                            " bytes; an HMAC-SHA256 has " + std::to_string(signature_size));
  }
  if (r.ok() && out.block.access_key.size() > max_access_key_bytes) {
    r.fail("access_key", "longer than " + std::to_string(max_access_key_bytes) + " bytes");
  }
  if (!r.ok()) return r.error();
  out.rest = body.subspan(body.size() - r.remaining());
  return out;
}

}  // namespace berth::wire
