// Fixed-width fields at byte offsets of the consume-queue, key-index and checkpoint files,
// read and written as the host lays them out: these files are little-endian on disk, and the
// build refuses a big-endian target rather than swap bytes.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

namespace berth::store_mmap {

static_assert(std::endian::native == std::endian::little, "the on-disk layout is little-endian");

// The T at p; p need not be aligned.
template <class T>
T get_field(const uint8_t* p) noexcept {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Writes v at p; p need not be aligned.
template <class T>
void set_field(uint8_t* p, T v) noexcept {
  std::memcpy(p, &v, sizeof v);
}

}  // namespace berth::store_mmap
