// CRC32C (Castagnoli), as used by every record of the commit log: the SSE4.2 instruction when
// the CPU has it, a table otherwise. crc32c(b, crc32c(a)) == crc32c(a + b).
#pragma once

#include <cstddef>
#include <cstdint>

namespace berth::store_mmap {

[[nodiscard]] uint32_t crc32c(const void* data, size_t size, uint32_t previous = 0) noexcept;

// The two implementations behind crc32c(), for tests and benchmarks. crc32c_hardware() may
// only be called when crc32c_hardware_available().
[[nodiscard]] uint32_t crc32c_portable(const void* data, size_t size,
                                       uint32_t previous = 0) noexcept;
[[nodiscard]] uint32_t crc32c_hardware(const void* data, size_t size,
                                       uint32_t previous = 0) noexcept;
[[nodiscard]] bool crc32c_hardware_available() noexcept;

}  // namespace berth::store_mmap
