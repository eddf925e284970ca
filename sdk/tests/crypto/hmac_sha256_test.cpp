// HMAC-SHA256 against RFC 4231's test vectors, in one part and in several.
#include <berth/crypto/hmac_sha256.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace berth::crypto::test {
namespace {

std::span<const uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string hex(const mac& m) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (const uint8_t b : m) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

TEST(hmac_sha256, rfc_4231_case_2) {
  const hmac_sha256 key("Jefe");
  const std::string data = "what do ya want for nothing?";
  EXPECT_EQ(hex(key.sign({bytes(data)})),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // The same bytes in parts sign the same.
  EXPECT_EQ(key.sign({bytes(data.substr(0, 7)), bytes(data.substr(7))}), key.sign({bytes(data)}));
}

TEST(hmac_sha256, rfc_4231_case_6_a_key_longer_than_a_block) {
  const hmac_sha256 key(std::string(131, '\xaa'));
  EXPECT_EQ(hex(key.sign({bytes("Test Using Larger Than Block-Size Key - Hash Key First")})),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(hmac_sha256, verify_takes_the_mac_and_nothing_else) {
  const hmac_sha256 key("secret-key-0123456789");
  const std::string data = "request";
  mac m = key.sign({bytes(data)});
  EXPECT_TRUE(key.verify(m, {bytes(data)}));
  m[31] ^= 1;
  EXPECT_FALSE(key.verify(m, {bytes(data)}));
  EXPECT_FALSE(key.verify(std::span<const uint8_t>(m.data(), 31), {bytes(data)}));
  EXPECT_FALSE(hmac_sha256("another-key").verify(key.sign({bytes(data)}), {bytes(data)}));
}

}  // namespace
}  // namespace berth::crypto::test
