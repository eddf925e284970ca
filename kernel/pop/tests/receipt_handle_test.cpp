#include "pop/receipt_handle.hpp"

#include <gtest/gtest.h>

namespace berth::kernel::pop {
namespace {

secret_key key_of(uint8_t fill) {
  secret_key k{};
  k.fill(fill);
  return k;
}

receipt sample() { return {scope_of("g1", "orders"), 3, 1234567, 0xDEADBEEFCAFEF00Dull, 1700000000123}; }

TEST(ReceiptHandle, RoundTrips) {
  const handle_codec codec(key_of(7));
  const std::string handle = codec.encode(sample());
  EXPECT_EQ(handle.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  const auto back = codec.decode(handle);
  ASSERT_TRUE(std::holds_alternative<receipt>(back)) << std::get<std::string>(back);
  EXPECT_EQ(std::get<receipt>(back), sample());
}

TEST(ReceiptHandle, AnotherBrokersKeyDoesNotVerify) {
  const std::string handle = handle_codec(key_of(7)).encode(sample());
  const auto back = handle_codec(key_of(8)).decode(handle);
  ASSERT_TRUE(std::holds_alternative<std::string>(back));
  EXPECT_NE(std::get<std::string>(back).find("does not verify"), std::string::npos);
}

TEST(ReceiptHandle, EveryChangedCharacterIsRefused) {
  const handle_codec codec(key_of(7));
  const std::string handle = codec.encode(sample());
  for (size_t i = 0; i < handle.size(); ++i) {
    std::string forged = handle;
    forged[i] = forged[i] == 'A' ? 'B' : 'A';
    EXPECT_TRUE(std::holds_alternative<std::string>(codec.decode(forged))) << "at " << i;
  }
}

TEST(ReceiptHandle, TruncatedAndGarbageAreRefused) {
  const handle_codec codec(key_of(7));
  const std::string handle = codec.encode(sample());
  for (size_t n = 0; n < handle.size(); ++n) {
    EXPECT_TRUE(std::holds_alternative<std::string>(codec.decode(handle.substr(0, n)))) << n;
  }
  const auto garbage = codec.decode("not a handle at all!");
  ASSERT_TRUE(std::holds_alternative<std::string>(garbage));
  EXPECT_NE(std::get<std::string>(garbage).find("base64url"), std::string::npos);
  EXPECT_TRUE(std::holds_alternative<std::string>(codec.decode(handle + "AA")));
}

TEST(ReceiptHandle, ScopeSeparatesGroupsAndTopics) {
  EXPECT_EQ(scope_of("g", "t"), scope_of("g", "t"));
  EXPECT_NE(scope_of("g", "t"), scope_of("g2", "t"));
  EXPECT_NE(scope_of("g", "t"), scope_of("g", "t2"));
  EXPECT_NE(scope_of("ab", "c"), scope_of("a", "bc"));
}

}  // namespace
}  // namespace berth::kernel::pop
