#include "admin/http_target.hpp"
#include "config/listen_address.hpp"

#include <gtest/gtest.h>

namespace berth::kernel::admin {
namespace {

TEST(http_target, splits_and_decodes_path_and_query) {
  const auto t = parse_target("/api/v1/topics/%25RETRY%25g?topic=a+b&key=k%3D1&empty=&flag");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/api/v1/topics/%RETRY%g");
  EXPECT_EQ(t->query.at("topic"), "a b");
  EXPECT_EQ(t->query.at("key"), "k=1");
  EXPECT_EQ(t->query.at("empty"), "");
  EXPECT_EQ(t->query.at("flag"), "");
}

TEST(http_target, refuses_what_is_not_an_origin_path) {
  EXPECT_FALSE(parse_target(""));
  EXPECT_FALSE(parse_target("http://example.com/"));
  EXPECT_FALSE(parse_target("/bad%2"));
  EXPECT_FALSE(parse_target("/bad%zz"));
  EXPECT_FALSE(parse_target("/ok?x=%4"));
}

TEST(basic_authorization, decodes_user_and_password) {
  // "admin:s3cret:with:colons" in base64
  const auto c = parse_basic_authorization("Basic YWRtaW46czNjcmV0OndpdGg6Y29sb25z");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->user, "admin");
  EXPECT_EQ(c->password, "s3cret:with:colons");
  const auto lower = parse_basic_authorization("basic YTpi");  // "a:b"
  ASSERT_TRUE(lower);
  EXPECT_EQ(lower->user, "a");
  EXPECT_EQ(lower->password, "b");
  const auto padded = parse_basic_authorization("Basic YTo=");  // "a:"
  ASSERT_TRUE(padded);
  EXPECT_EQ(padded->user, "a");
  EXPECT_EQ(padded->password, "");
}

TEST(basic_authorization, refuses_other_schemes_and_garbage) {
  EXPECT_FALSE(parse_basic_authorization("Bearer abc"));
  EXPECT_FALSE(parse_basic_authorization("Basic "));
  EXPECT_FALSE(parse_basic_authorization("Basic !!!!"));
  EXPECT_FALSE(parse_basic_authorization("Basic YWJj"));  // "abc": no colon
}

TEST(listen_address, parses_v4_v6_and_refuses_nonsense) {
  auto v4 = config::parse_listen_address("127.0.0.1:10980");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4.value().port(), 10980);
  auto v6 = config::parse_listen_address("[::1]:0");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6.value().address().is_v6());
  EXPECT_FALSE(config::parse_listen_address("localhost:10980"));
  EXPECT_FALSE(config::parse_listen_address("127.0.0.1"));
  EXPECT_FALSE(config::parse_listen_address("127.0.0.1:70000"));
  EXPECT_FALSE(config::parse_listen_address("127.0.0.1:"));
  EXPECT_NE(config::parse_listen_address("127.0.0.1:x").error().message.find("expected address:port"),
            std::string::npos);
}

}  // namespace
}  // namespace berth::kernel::admin
