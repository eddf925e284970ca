// Decoding: a bounds-checked reader over one body. Errors are sticky: the first read that does
// not fit records a decode_error naming the body and the field ("PULL: field 'topic': 3 bytes
// left, length says 40"); later reads return zeros and empty views without touching the
// bytes, so a record's read() is a plain sequence of reads checked once at the end.
//
// Per the evolution rule, bytes after the last known field are ignored, and a field appended
// after version 1's first release is read with optional_*() (its default when the body ends
// before it). Strings and bytes are views into the body: keep the frame alive while they are
// used, or copy them.
#pragma once

#include <berth/wire/codes.hpp>
#include <berth/wire/endian.hpp>
#include <berth/wire/error.hpp>
#include <berth/wire/field.hpp>

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berth::wire {

class reader {
 public:
  // `context` names the body in errors ("PULL response"); it must outlive the reader.
  reader(std::span<const uint8_t> body, std::string_view context) noexcept
      : body_(body), context_(context) {}
  // Named after the code: "PULL" for a request, "PULL response", "GROUP_CHANGED push".
  reader(std::span<const uint8_t> body, wire::code c, wire::kind k = kind::request) noexcept
      : body_(body), code_(c), kind_(k) {}

  uint8_t u8(std::string_view field) { return fixed<uint8_t>(field); }
  uint16_t u16(std::string_view field) { return fixed<uint16_t>(field); }
  uint32_t u32(std::string_view field) { return fixed<uint32_t>(field); }
  uint64_t u64(std::string_view field) { return fixed<uint64_t>(field); }
  int32_t i32(std::string_view field) { return fixed<int32_t>(field); }
  int64_t i64(std::string_view field) { return fixed<int64_t>(field); }
  bool boolean(std::string_view field) {
    const uint8_t v = fixed<uint8_t>(field);
    if (v > 1) fail(field, std::to_string(v) + " is not a bool (0 or 1)");
    return v == 1;
  }
  std::string_view str(std::string_view field) { return chars(sized<uint16_t>(field)); }
  std::string_view text(std::string_view field) { return chars(sized<uint32_t>(field)); }
  bytes_view bytes(std::string_view field) { return sized<uint32_t>(field); }

  void props(std::string_view field, std::vector<property>& out) {
    const size_t n = items<uint16_t>(field, 6);  // an empty str and an empty text
    out.clear();
    out.reserve(n);
    for (size_t i = 0; i < n && ok(); ++i) {
      const item_scope scope(*this, field, i);
      property p;
      p.name = str("name");
      p.value = text("value");
      if (ok()) out.push_back(p);
    }
  }

  // list<record>: Record has read(reader&) and min_wire_size (its smallest encoding).
  template <class Record>
  void list(std::string_view field, std::vector<Record>& out) {
    const size_t n = items<uint32_t>(field, Record::min_wire_size);
    out.clear();
    out.reserve(n);
    for (size_t i = 0; i < n && ok(); ++i) {
      const item_scope scope(*this, field, i);
      Record item{};
      item.read(*this);
      if (ok()) out.push_back(std::move(item));
    }
  }
  void str_list(std::string_view field, std::vector<std::string_view>& out) {
    const size_t n = items<uint32_t>(field, 2);
    out.clear();
    out.reserve(n);
    for (size_t i = 0; i < n && ok(); ++i) {
      const item_scope scope(*this, field, i);
      const std::string_view s = str("str");
      if (ok()) out.push_back(s);
    }
  }
  void u32_list(std::string_view field, std::vector<uint32_t>& out) {
    const size_t n = items<uint32_t>(field, 4);
    out.clear();
    out.reserve(n);
    for (size_t i = 0; i < n && ok(); ++i) {
      const item_scope scope(*this, field, i);
      const uint32_t v = u32("u32");
      if (ok()) out.push_back(v);
    }
  }

  // A trailing field added by evolution: `fallback` when the body ends before it.
  uint8_t optional_u8(std::string_view field, uint8_t fallback) {
    return at_end() ? fallback : u8(field);
  }
  uint16_t optional_u16(std::string_view field, uint16_t fallback) {
    return at_end() ? fallback : u16(field);
  }
  uint32_t optional_u32(std::string_view field, uint32_t fallback) {
    return at_end() ? fallback : u32(field);
  }
  uint64_t optional_u64(std::string_view field, uint64_t fallback) {
    return at_end() ? fallback : u64(field);
  }
  int32_t optional_i32(std::string_view field, int32_t fallback) {
    return at_end() ? fallback : i32(field);
  }
  int64_t optional_i64(std::string_view field, int64_t fallback) {
    return at_end() ? fallback : i64(field);
  }
  bool optional_boolean(std::string_view field, bool fallback) {
    return at_end() ? fallback : boolean(field);
  }
  std::string_view optional_str(std::string_view field, std::string_view fallback) {
    return at_end() ? fallback : str(field);
  }

  // Nothing left to read (also true once a read has failed).
  [[nodiscard]] bool at_end() const noexcept { return pos_ == body_.size(); }
  [[nodiscard]] size_t remaining() const noexcept { return body_.size() - pos_; }
  [[nodiscard]] bool ok() const noexcept { return !failed_; }
  // The first failure; meaningful when !ok().
  [[nodiscard]] const decode_error& error() const noexcept { return error_; }

  // Record a failure found beyond the encoding (a value no field may hold); the first wins.
  void fail(std::string_view field, std::string_view detail) {
    if (failed_) return;
    failed_ = true;
    pos_ = body_.size();
    error_.status = status::malformed_request;
    error_.message = describe(field, detail);
  }

  // `value` when every read succeeded, else the first error.
  template <class T>
  [[nodiscard]] decoded<T> result(T value) const {
    if (failed_) return error_;
    return value;
  }

 private:
  // While a list item is read, its "name[i]." prefixes field names in errors.
  class item_scope {
   public:
    item_scope(reader& r, std::string_view list, size_t index) noexcept : r_(r) {
      if (r_.depth_ < r_.path_.size()) r_.path_[r_.depth_] = {list, index};
      ++r_.depth_;
    }
    ~item_scope() { --r_.depth_; }
    item_scope(const item_scope&) = delete;
    item_scope& operator=(const item_scope&) = delete;

   private:
    reader& r_;
  };
  struct path_entry {
    std::string_view list;
    size_t index = 0;
  };

  template <std::integral T>
  T fixed(std::string_view field) {
    if (failed_) return T{};
    if (remaining() < sizeof(T)) {
      fail(field, left(remaining()) + ", needs " + std::to_string(sizeof(T)));
      return T{};
    }
    const T v = detail::load_le<T>(body_.data() + pos_);
    pos_ += sizeof(T);
    return v;
  }

  // A length-prefixed run of bytes: L is the length's type.
  template <class L>
  std::span<const uint8_t> sized(std::string_view field) {
    if (failed_) return {};
    if (remaining() < sizeof(L)) {
      fail(field, left(remaining()) + ", needs " + std::to_string(sizeof(L)) + " for its length");
      return {};
    }
    const size_t n = detail::load_le<L>(body_.data() + pos_);
    const size_t after = remaining() - sizeof(L);
    if (n > after) {
      fail(field, left(after) + ", length says " + std::to_string(n));
      return {};
    }
    pos_ += sizeof(L);
    const std::span<const uint8_t> out = body_.subspan(pos_, n);
    pos_ += n;
    return out;
  }

  // A list's count (L: its type), refused when that many items of at least `min_item_bytes`
  // cannot fit in what is left: a forged count must not make the caller reserve gigabytes.
  template <class L>
  size_t items(std::string_view field, size_t min_item_bytes) {
    const size_t n = fixed<L>(field);
    const size_t after = remaining();
    if (static_cast<uint64_t>(n) * min_item_bytes > after) {
      fail(field, std::to_string(n) + " items need at least " +
                      std::to_string(static_cast<uint64_t>(n) * min_item_bytes) + " bytes, " +
                      left(after));
      return 0;
    }
    return n;
  }

  static std::string_view chars(std::span<const uint8_t> b) noexcept {
    return b.empty() ? std::string_view{}
                     : std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
  }
  static std::string left(size_t n) {
    return std::to_string(n) + (n == 1 ? " byte left" : " bytes left");
  }

  std::string describe(std::string_view field, std::string_view detail) const {
    std::string m;
    if (!context_.empty()) {
      m = context_;
    } else {
      m = name(code_);
      if (m == "UNKNOWN") m = "code " + std::to_string(static_cast<uint16_t>(code_));
      if (kind_ == kind::response) m += " response";
      if (kind_ == kind::push) m += " push";
    }
    m += ": field '";
    for (size_t i = 0; i < depth_ && i < path_.size(); ++i) {
      m += path_[i].list;
      m += '[';
      m += std::to_string(path_[i].index);
      m += "].";
    }
    m += field;
    m += "': ";
    m += detail;
    return m;
  }

  std::span<const uint8_t> body_;
  size_t pos_ = 0;
  std::string_view context_;
  wire::code code_ = code::hello;
  wire::kind kind_ = kind::request;
  bool failed_ = false;
  decode_error error_;
  std::array<path_entry, 4> path_{};
  size_t depth_ = 0;
};

// Decode a T (anything with read(reader&)) from the reader's body.
template <class T>
[[nodiscard]] decoded<T> decode(reader& r) {
  T value{};
  value.read(r);
  return r.result(std::move(value));
}

// Decode a T from a whole body; errors are named after the code and kind.
template <class T>
[[nodiscard]] decoded<T> decode(std::span<const uint8_t> body, wire::code c,
                                wire::kind k = kind::request) {
  reader r(body, c, k);
  return decode<T>(r);
}

}  // namespace berth::wire
