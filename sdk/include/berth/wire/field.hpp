// Value types shared by the reader and the writer: the limits of the field encodings and the
// views that decoded bodies hand out. Views borrow: from the caller's data when encoding,
// from the frame's bytes when decoding (keep the frame alive while the views are used).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

namespace berth::wire {

inline constexpr size_t max_str_bytes = std::numeric_limits<uint16_t>::max();   // str
inline constexpr size_t max_text_bytes = std::numeric_limits<uint32_t>::max();  // text, bytes
inline constexpr size_t max_properties = std::numeric_limits<uint16_t>::max();  // props count
inline constexpr size_t max_list_items = std::numeric_limits<uint32_t>::max();  // list count

// A span of bytes that compares by content, so that bodies holding one get a defaulted ==.
class bytes_view : public std::span<const uint8_t> {
 public:
  using std::span<const uint8_t>::span;
  constexpr bytes_view() noexcept = default;
  constexpr bytes_view(std::span<const uint8_t> bytes) noexcept  // implicit: it is a span
      : std::span<const uint8_t>(bytes) {}

  friend bool operator==(bytes_view a, bytes_view b) noexcept { return std::ranges::equal(a, b); }
};

// One user property: `str` name, `text` value.
struct property {
  std::string_view name;
  std::string_view value;

  bool operator==(const property&) const = default;
};

}  // namespace berth::wire
