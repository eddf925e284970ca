// The accounts file: what it holds, and one clear line for each mistake (never the secret).
#include "accounts.hpp"

#include <gtest/gtest.h>

#include <string>

namespace berth::auth_acl::test {
namespace {

std::string refusal(const std::string& text) {
  try {
    (void)accounts::parse(text, "acl.toml");
  } catch (const accounts_error& e) {
    return e.what();
  }
  return {};
}

constexpr const char* good = R"(
default_topic_perm = "SUB"

[roles.producer]
topics = { "orders-*" = "PUB" }

[[accounts]]
access_key = "orders-app"
secret_key = "0123456789abcdef"
roles = ["producer"]
topics = { "audit" = "DENY" }
groups = { "billing" = "SUB" }
allow_from = ["10.0.0.0/8"]

[[accounts]]
access_key = "ops"
secret_key = "fedcba9876543210"
admin = true
default_group_perm = "PUB|SUB"
)";

TEST(accounts, a_file_with_roles_defaults_and_allow_lists) {
  const auto all = accounts::parse(good, "acl.toml");
  ASSERT_EQ(all->size(), 2u);
  const account* app = all->find("orders-app");
  ASSERT_NE(app, nullptr);
  EXPECT_FALSE(app->admin);
  ASSERT_EQ(app->topics.size(), 2u) << "its own rule and its role's";
  EXPECT_EQ(app->topics[0].pattern, "audit");
  EXPECT_EQ(app->topics[1].pattern, "orders-*");
  EXPECT_EQ(app->default_topic, perm_sub);
  EXPECT_EQ(app->default_group, perm_deny);
  EXPECT_TRUE(app->allow_from.allows("10.1.2.3:4"));
  EXPECT_FALSE(app->allow_from.allows("127.0.0.1:4"));
  const account* ops = all->find("ops");
  ASSERT_NE(ops, nullptr);
  EXPECT_TRUE(ops->admin);
  EXPECT_EQ(ops->default_group, perm_pub | perm_sub);
  EXPECT_EQ(all->find("nobody"), nullptr);
}

TEST(accounts, each_mistake_names_file_line_and_key) {
  EXPECT_EQ(refusal("[[accounts]]\naccess_key = \"app\"\nsecret_key = \"short-secret\"\n"),
            "acl.toml:3:14: accounts[0].secret_key: shorter than 16 characters");
  EXPECT_EQ(refusal("[[accounts]]\naccess_key = \"a b\"\nsecret_key = \"0123456789abcdef\"\n"),
            "acl.toml:2:14: accounts[0].access_key: 'a b' is not 3 to 128 letters, digits or - _ . @");
  EXPECT_EQ(refusal("[[accounts]]\naccess_key = \"app\"\n"),
            "acl.toml:1:1: accounts[0].secret_key: missing");
  EXPECT_EQ(refusal("[[accounts]]\naccess_key = \"app\"\nsecret_key = \"0123456789abcdef\"\n"
                    "topics = { \"t\" = \"ALL\" }\n"),
            "acl.toml:4:18: accounts[0].topics.\"t\": 'ALL' is not a permission (DENY, PUB, SUB "
            "or PUB|SUB)");
  EXPECT_EQ(refusal("[[accounts]]\naccess_key = \"app\"\nsecret_key = \"0123456789abcdef\"\n"
                    "topics = { \"a*b\" = \"PUB\" }\n"),
            "acl.toml:4:20: accounts[0].topics.\"a*b\": a resource is a name, a prefix ending in * "
            "or * alone");
  EXPECT_EQ(refusal("[[accounts]]\naccess_key = \"app\"\nsecret_key = \"0123456789abcdef\"\n"
                    "roles = [\"ghost\"]\n"),
            "acl.toml:4:10: accounts[0].roles: no role 'ghost'");
  EXPECT_EQ(refusal("[[accounts]]\naccess_key = \"app\"\nsecret_key = \"0123456789abcdef\"\n"
                    "allow_from = [\"10.0.0.0/40\"]\n"),
            "acl.toml:4:15: accounts[0].allow_from: '10.0.0.0/40' is not an address or CIDR block");
  EXPECT_EQ(refusal("[[accounts]]\naccess_key = \"app\"\nsecret_key = \"0123456789abcdef\"\n"
                    "[[accounts]]\naccess_key = \"app\"\nsecret_key = \"0123456789abcdef\"\n"),
            "acl.toml:5:14: accounts[1].access_key: 'app' is given to two accounts");
  EXPECT_EQ(refusal("[[accounts]]\naccess_key = \"app\"\nsecret_key = \"0123456789abcdef\"\n"
                    "admn = true\n"),
            "acl.toml:4:8: accounts[0].admn: unknown key (expected one of: access_key, "
            "secret_key, admin, roles, allow_from, topics, groups, default_topic_perm, "
            "default_group_perm)");
  EXPECT_NE(refusal("[[accounts]\n").find("acl.toml:1:"), std::string::npos);
}

TEST(accounts, a_secret_is_never_quoted_in_an_error) {
  const std::string secret = "do-not-print-me-0123456789";
  for (const std::string& text :
       {"[[accounts]]\naccess_key = \"a\"\nsecret_key = \"" + secret + "\"\n",
        "[[accounts]]\naccess_key = \"app\"\nsecret_key = \"" + secret + "\"\nadmin = \"yes\"\n",
        "[[accounts]]\naccess_key = \"app\"\nsecret_key = [\"" + secret + "\"]\n"}) {
    const std::string why = refusal(text);
    EXPECT_FALSE(why.empty());
    EXPECT_EQ(why.find(secret), std::string::npos) << why;
  }
}

TEST(accounts, a_missing_file_says_so) {
  try {
    (void)accounts::load("/nonexistent/acl.toml");
    FAIL() << "no error";
  } catch (const accounts_error& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/acl.toml: cannot read the accounts file");
  }
}

}  // namespace
}  // namespace berth::auth_acl::test
