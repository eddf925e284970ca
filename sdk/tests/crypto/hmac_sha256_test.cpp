// HMAC-SHA256 against RFC 4231's test vectors and HMAC-SHA1 against RFC 2202's, in one part
// and in several.
#include <berth/crypto/hmac_sha1.hpp>
#include <berth/crypto/hmac_sha256.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace berth::crypto::test {
namespace {

std::span<const uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

template <class Mac>
std::string hex(const Mac& m) {
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

TEST(hmac_sha1, rfc_2202_case_2) {
  const hmac_sha1 h("Jefe");
  EXPECT_EQ(hex(h.sign({bytes("what do ya want "), bytes("for nothing?")})),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST(hmac_sha1, rfc_2202_case_6_a_key_longer_than_a_block) {
  const hmac_sha1 h(std::string(80, '\xaa'));
  EXPECT_EQ(hex(h.sign({bytes("Test Using Larger Than Block-Size Key - Hash Key First")})),
            "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}

TEST(hmac_sha1, verify_takes_its_own_mac_only) {
  const hmac_sha1 h("Jefe");
  const auto m = h.sign({bytes("x")});
  EXPECT_TRUE(h.verify(m, {bytes("x")}));
  EXPECT_FALSE(h.verify(m, {bytes("y")}));
  EXPECT_FALSE(h.verify(std::span<const uint8_t>(m).first(19), {bytes("x")}));
}

}  // namespace
}  // namespace berth::crypto::test
