#include "address_list.hpp"

#include <gtest/gtest.h>

namespace berth::auth_acl::test {
namespace {

TEST(address_list, empty_allows_everyone) {
  EXPECT_TRUE(address_list{}.allows("203.0.113.9:5000"));
}

TEST(address_list, ipv4_blocks_and_single_addresses) {
  address_list l;
  ASSERT_TRUE(l.add("10.0.0.0/8"));
  ASSERT_TRUE(l.add("192.168.1.7"));
  EXPECT_TRUE(l.allows("10.200.3.4:1234"));
  EXPECT_TRUE(l.allows("192.168.1.7:1"));
  EXPECT_FALSE(l.allows("192.168.1.8:1"));
  EXPECT_FALSE(l.allows("11.0.0.1:1"));
  EXPECT_FALSE(l.allows("garbage"));
}

TEST(address_list, ipv6_blocks_and_mapped_ipv4) {
  address_list l;
  ASSERT_TRUE(l.add("fd00::/8"));
  ASSERT_TRUE(l.add("127.0.0.0/8"));
  EXPECT_TRUE(l.allows("[fd12::1]:10911"));
  EXPECT_FALSE(l.allows("[fe80::1]:10911"));
  EXPECT_TRUE(l.allows("[::ffff:127.0.0.1]:10911")) << "a mapped IPv4 address counts as IPv4";
}

TEST(address_list, odd_prefixes_and_refusals) {
  address_list l;
  ASSERT_TRUE(l.add("172.16.0.0/12"));
  EXPECT_TRUE(l.allows("172.31.255.255:1"));
  EXPECT_FALSE(l.allows("172.32.0.0:1"));
  EXPECT_FALSE(l.add("10.0.0.0/33"));
  EXPECT_FALSE(l.add("10.0.0/8"));
  EXPECT_FALSE(l.add("host.example"));
  EXPECT_FALSE(l.add("10.0.0.0/x"));
}

}  // namespace
}  // namespace berth::auth_acl::test
