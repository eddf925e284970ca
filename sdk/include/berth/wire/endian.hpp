// Little-endian loads and stores, byte by byte: no assumption about the host's byte order or
// the alignment of the bytes (compilers fold these loops into single moves where they can).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace berth::wire::detail {

template <class T>
concept fixed_width = std::integral<T> && !std::same_as<T, bool>;

template <fixed_width T>
constexpr void store_le(uint8_t* out, T value) noexcept {
  using unsigned_t = std::make_unsigned_t<T>;
  const auto bits = static_cast<unsigned_t>(value);
  for (size_t i = 0; i < sizeof(T); ++i) out[i] = static_cast<uint8_t>(bits >> (8 * i));
}

template <fixed_width T>
[[nodiscard]] constexpr T load_le(const uint8_t* in) noexcept {
  using unsigned_t = std::make_unsigned_t<T>;
  unsigned_t bits = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    bits = static_cast<unsigned_t>(bits | static_cast<unsigned_t>(unsigned_t{in[i]} << (8 * i)));
  }
  return static_cast<T>(bits);  // two's complement for the signed types (defined in C++20)
}

}  // namespace berth::wire::detail
