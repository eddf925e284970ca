// Encoding: a writer appends fields to a caller's std::vector<uint8_t> (reuse one across
// frames: clear() keeps its capacity); a frame_builder puts a header in front and patches its
// length when the body is done.
//
// A value the format cannot carry (a str over 65535 bytes, more than 65535 properties, a text,
// bytes or list over 2^32-1, a frame over 2^32-1) throws encode_error and leaves the buffer
// with a partial frame: callers validate user input first, and drop the buffer on a throw.
#pragma once

#include <berth/wire/endian.hpp>
#include <berth/wire/error.hpp>
#include <berth/wire/field.hpp>
#include <berth/wire/frame.hpp>

#include <concepts>
#include <cstdint>
#include <array>
#include <cstring>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace berth::wire {

class writer {
 public:
  explicit writer(std::vector<uint8_t>& out) noexcept : out_(&out) {}

  void u8(uint8_t v) { out_->push_back(v); }
  void u16(uint16_t v) { put(v); }
  void u32(uint32_t v) { put(v); }
  void u64(uint64_t v) { put(v); }
  void i32(int32_t v) { put(v); }
  void i64(int64_t v) { put(v); }
  void boolean(bool v) { u8(v ? 1 : 0); }

  void str(std::string_view s) {
    u16(static_cast<uint16_t>(checked(s.size(), max_str_bytes, "a str", "bytes")));
    append(s.data(), s.size());
  }
  void text(std::string_view s) {
    u32(static_cast<uint32_t>(checked(s.size(), max_text_bytes, "a text", "bytes")));
    append(s.data(), s.size());
  }
  void bytes(std::span<const uint8_t> b) {
    bytes_length(b.size());
    append(b.data(), b.size());
  }
  // The length of a bytes field whose content goes on the wire from elsewhere (see gather).
  void bytes_length(size_t n) {
    u32(static_cast<uint32_t>(checked(n, max_text_bytes, "a bytes field", "bytes")));
  }
  void props(std::span<const property> properties) {
    u16(static_cast<uint16_t>(checked(properties.size(), max_properties, "props", "properties")));
    for (const property& p : properties) {
      str(p.name);
      text(p.value);
    }
  }
  // The count in front of a list's items.
  void count(size_t n) {
    u32(static_cast<uint32_t>(checked(n, max_list_items, "a list", "items")));
  }

  // list<record>: a sized range of anything with encode(writer&).
  template <std::ranges::sized_range Records>
  void list(const Records& items) {
    count(std::ranges::size(items));
    for (const auto& item : items) item.encode(*this);
  }
  void str_list(std::span<const std::string_view> items) {
    count(items.size());
    for (std::string_view s : items) str(s);
  }
  void u32_list(std::span<const uint32_t> items) {
    count(items.size());
    for (uint32_t v : items) u32(v);
  }

  // Bytes already encoded.
  void raw(std::span<const uint8_t> b) { append(b.data(), b.size()); }

  // Bytes in the buffer so far (all of it, not only this frame).
  [[nodiscard]] size_t size() const noexcept { return out_->size(); }
  [[nodiscard]] std::vector<uint8_t>& buffer() noexcept { return *out_; }

 private:
  // insert(), not resize() and a copy: no zero-fill of what is overwritten at once (a third
  // of the time of encoding a message went there).
  template <std::integral T>
  void put(T v) {
    std::array<uint8_t, sizeof(T)> b;
    detail::store_le(b.data(), v);
    out_->insert(out_->end(), b.begin(), b.end());
  }
  void append(const void* data, size_t n) {
    if (n == 0) return;
    const auto* p = static_cast<const uint8_t*>(data);
    out_->insert(out_->end(), p, p + n);
  }
  static size_t checked(size_t n, size_t max, const char* what, const char* unit) {
    if (n > max) {
      throw encode_error(std::string(what) + " of " + std::to_string(n) + " " + unit +
                         " does not fit the wire format (at most " + std::to_string(max) + ")");
    }
    return n;
  }

  std::vector<uint8_t>* out_;
};

// One frame at the end of a buffer: the header goes in at construction, body() appends the
// fields, finish() writes the length. The buffer may already hold earlier frames.
class frame_builder {
 public:
  frame_builder(std::vector<uint8_t>& out, const frame_header& header)
      : writer_(out), start_(out.size()) {
    const std::array<uint8_t, header_size> h = encode_header(header);
    writer_.raw(h);
  }

  [[nodiscard]] writer& body() noexcept { return writer_; }

  // Write the length; returns the frame (valid until the buffer changes).
  std::span<const uint8_t> finish() { return finish_with_tail(0); }

  // Write a length that also counts `tail_len` bytes the caller sends after the buffer's
  // bytes, e.g. a message body straight from the store's mapped file, whose length field
  // writer::bytes_length() wrote last. With message bodies in between (a PULL response's
  // list), pass gather::external_bytes(). Returns the part of the frame in the buffer.
  std::span<const uint8_t> finish_with_tail(size_t tail_len) {
    std::vector<uint8_t>& out = writer_.buffer();
    const size_t in_buffer = out.size() - start_;
    const size_t length = in_buffer - length_size + tail_len;
    if (tail_len > max_text_bytes || length > max_text_bytes) {
      throw encode_error("a frame of " + std::to_string(length + length_size) +
                         " bytes does not fit the wire format (length at most 2^32-1)");
    }
    detail::store_le(out.data() + start_, static_cast<uint32_t>(length));
    return std::span<const uint8_t>(out).subspan(start_, in_buffer);
  }

 private:
  writer writer_;
  size_t start_;
};

}  // namespace berth::wire
