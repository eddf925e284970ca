#include "permission.hpp"

#include <gtest/gtest.h>

namespace berth::auth_acl::test {
namespace {

TEST(permission, the_spellings_of_rocketmqs_acl) {
  EXPECT_EQ(parse_perm("PUB"), perm_pub);
  EXPECT_EQ(parse_perm("sub"), perm_sub);
  EXPECT_EQ(parse_perm("PUB|SUB"), perm_pub | perm_sub);
  EXPECT_EQ(parse_perm("SUB|PUB"), perm_pub | perm_sub);
  EXPECT_EQ(parse_perm("Deny"), perm_deny);
  EXPECT_EQ(parse_perm("ALL"), std::nullopt);
  EXPECT_EQ(parse_perm(""), std::nullopt);
  EXPECT_EQ(perm_text(perm_pub | perm_sub), "PUB|SUB");
  EXPECT_EQ(perm_text(perm_deny | perm_pub), "DENY");
  EXPECT_EQ(perm_text(perm_none), "nothing");
}

TEST(permission, names_prefixes_and_everything) {
  EXPECT_TRUE((resource_rule{"orders", perm_pub}.matches("orders")));
  EXPECT_FALSE((resource_rule{"orders", perm_pub}.matches("orders-eu")));
  EXPECT_TRUE((resource_rule{"orders-*", perm_pub}.matches("orders-eu")));
  EXPECT_TRUE((resource_rule{"orders-*", perm_pub}.matches("orders-")));
  EXPECT_FALSE((resource_rule{"orders-*", perm_pub}.matches("orders")));
  EXPECT_TRUE((resource_rule{"*", perm_pub}.matches("")));
  EXPECT_TRUE((resource_rule{"*", perm_pub}.matches("anything")));
}

TEST(permission, matching_rules_add_up_and_deny_is_kept) {
  const std::vector<resource_rule> rules{
      {"*", perm_sub}, {"orders-*", perm_pub}, {"orders-secret", perm_deny}};
  bool matched = false;
  EXPECT_EQ(decide(rules, "orders-eu", matched), perm_pub | perm_sub);
  EXPECT_TRUE(matched);
  EXPECT_NE(decide(rules, "orders-secret", matched) & perm_deny, 0);
  EXPECT_EQ(decide(rules, "audit", matched), perm_sub);
  EXPECT_EQ(decide({}, "audit", matched), perm_none);
  EXPECT_FALSE(matched);
}

}  // namespace
}  // namespace berth::auth_acl::test
