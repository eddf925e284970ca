// CRC32C against published check values (RFC 3720 appendix B.4), both implementations
// against each other, and chaining.
#include "crc32c.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <random>
#include <string_view>
#include <vector>

namespace berth::store_mmap {
namespace {

struct check_value {
  const char* name;
  std::vector<uint8_t> data;
  uint32_t crc;
};

std::vector<check_value> check_values() {
  std::vector<uint8_t> ascending(32), descending(32);
  for (uint8_t i = 0; i < 32; ++i) {
    ascending[i] = i;
    descending[i] = static_cast<uint8_t>(31 - i);
  }
  const std::string_view digits = "123456789";
  return {
      {"empty", {}, 0x00000000u},
      {"digits", {digits.begin(), digits.end()}, 0xE3069283u},
      {"32 zeros", std::vector<uint8_t>(32, 0x00), 0x8A9136AAu},
      {"32 ones", std::vector<uint8_t>(32, 0xFF), 0x62A8AB43u},
      {"ascending", ascending, 0x46DD794Eu},
      {"descending", descending, 0x113FDB5Cu},
  };
}

std::vector<uint8_t> random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> out(n);
  for (uint8_t& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

TEST(Crc32c, MatchesPublishedCheckValues) {
  for (const check_value& v : check_values()) {
    EXPECT_EQ(crc32c(v.data.data(), v.data.size()), v.crc) << v.name;
    EXPECT_EQ(crc32c_portable(v.data.data(), v.data.size()), v.crc) << v.name;
    if (crc32c_hardware_available()) {
      EXPECT_EQ(crc32c_hardware(v.data.data(), v.data.size()), v.crc) << v.name;
    }
  }
}

TEST(Crc32c, HardwareAndPortableAgreeOnEveryLengthAndAlignment) {
  if (!crc32c_hardware_available()) GTEST_SKIP() << "this CPU has no SSE4.2";
  const std::vector<uint8_t> data = random_bytes(4096 + 16, 7);
  for (size_t align = 0; align < 16; ++align) {
    for (size_t len = 0; len <= 300; ++len) {
      const uint8_t* p = data.data() + align;
      ASSERT_EQ(crc32c_hardware(p, len, 0x12345678u), crc32c_portable(p, len, 0x12345678u))
          << "align " << align << " length " << len;
    }
  }
  const std::vector<uint8_t> big = random_bytes(1 << 20, 8);
  EXPECT_EQ(crc32c_hardware(big.data(), big.size()), crc32c_portable(big.data(), big.size()));
}

TEST(Crc32c, ChainingEqualsOneCallOverTheConcatenation) {
  const std::vector<uint8_t> data = random_bytes(1000, 9);
  const uint32_t whole = crc32c(data.data(), data.size());
  for (size_t split : {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{500}, size_t{999},
                       size_t{1000}}) {
    const uint32_t head = crc32c(data.data(), split);
    EXPECT_EQ(crc32c(data.data() + split, data.size() - split, head), whole) << "split " << split;
    EXPECT_EQ(crc32c_portable(data.data() + split, data.size() - split,
                              crc32c_portable(data.data(), split)),
              whole)
        << "split " << split;
  }
}

TEST(Crc32c, ChangesWithEverySingleBitFlip) {
  std::vector<uint8_t> data = random_bytes(64, 10);
  const uint32_t original = crc32c(data.data(), data.size());
  for (size_t bit = 0; bit < data.size() * 8; ++bit) {
    data[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_NE(crc32c(data.data(), data.size()), original) << "bit " << bit;
    data[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  }
}

}  // namespace
}  // namespace berth::store_mmap
