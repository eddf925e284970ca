#include "crc32c.hpp"

#include <array>
#include <bit>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace berth::store_mmap {
namespace {

constexpr uint32_t reflected_polynomial = 0x82F63B78u;  // 0x1EDC6F41 bit-reversed

// Slicing-by-8 tables: tables[k][b] is the crc of byte b followed by k zero bytes.
using crc_tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr crc_tables make_tables() {
  crc_tables t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t crc = b;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) != 0 ? reflected_polynomial : 0);
    t[0][b] = crc;
  }
  for (size_t k = 1; k < 8; ++k) {
    for (size_t b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFFu];
  }
  return t;
}

constexpr crc_tables tables = make_tables();

uint32_t load_le32(const uint8_t* p) noexcept {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  return v;
}

#if defined(__x86_64__)
// Compiled for SSE4.2 on its own, so the rest of the library runs on any x86-64.
__attribute__((target("sse4.2"))) uint32_t crc32c_sse42(const uint8_t* p, size_t n,
                                                        uint32_t crc) noexcept {
  while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7u) != 0) {
    crc = _mm_crc32_u8(crc, *p++);
    --n;
  }
  uint64_t wide = crc;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, sizeof word);
    wide = _mm_crc32_u64(wide, word);
  }
  crc = static_cast<uint32_t>(wide);
  for (; n > 0; --n) crc = _mm_crc32_u8(crc, *p++);
  return crc;
}
#endif

}  // namespace

uint32_t crc32c_portable(const void* data, size_t size, uint32_t previous) noexcept {
  const auto* p = static_cast<const uint8_t*>(data);
  uint32_t crc = ~previous;
  for (; size >= 8; p += 8, size -= 8) {
    const uint32_t lo = crc ^ load_le32(p);
    const uint32_t hi = load_le32(p + 4);
    crc = tables[7][lo & 0xFFu] ^ tables[6][(lo >> 8) & 0xFFu] ^ tables[5][(lo >> 16) & 0xFFu] ^
          tables[4][lo >> 24] ^ tables[3][hi & 0xFFu] ^ tables[2][(hi >> 8) & 0xFFu] ^
          tables[1][(hi >> 16) & 0xFFu] ^ tables[0][hi >> 24];
  }
  for (; size > 0; --size) crc = (crc >> 8) ^ tables[0][(crc ^ *p++) & 0xFFu];
  return ~crc;
}

bool crc32c_hardware_available() noexcept {
#if defined(__x86_64__)
  __builtin_cpu_init();  // may run before the runtime's own constructor did
  return __builtin_cpu_supports("sse4.2") != 0;
#else
  return false;
#endif
}

uint32_t crc32c_hardware(const void* data, size_t size, uint32_t previous) noexcept {
#if defined(__x86_64__)
  return ~crc32c_sse42(static_cast<const uint8_t*>(data), size, ~previous);
#else
  return crc32c_portable(data, size, previous);
#endif
}

uint32_t crc32c(const void* data, size_t size, uint32_t previous) noexcept {
  static const bool hardware = crc32c_hardware_available();
  return hardware ? crc32c_hardware(data, size, previous) : crc32c_portable(data, size, previous);
}

}  // namespace berth::store_mmap
