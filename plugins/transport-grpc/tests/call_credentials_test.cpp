// The authorization header RocketMQ 5 clients sign their calls with.
#include "call_credentials.hpp"

#include <gtest/gtest.h>

namespace berth::transport_grpc {
namespace {

constexpr std::string_view date = "20240913T063059Z";

TEST(call_credentials, no_header_is_an_anonymous_call) {
  EXPECT_TRUE(std::holds_alternative<std::monostate>(parse_call_credentials(std::nullopt, date)));
}

TEST(call_credentials, reads_the_key_the_signature_and_the_signed_time) {
  const auto parsed = parse_call_credentials(
      "MQv2-HMAC-SHA1 Credential=app/scope, SignedHeaders=x-mq-date-time, Signature=0aFF10", date);
  const auto* c = std::get_if<call_credentials>(&parsed);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->access_key, "app");
  EXPECT_EQ(c->signature, (std::vector<uint8_t>{0x0a, 0xff, 0x10}));
  EXPECT_EQ(c->date_time, date);
  EXPECT_EQ(c->timestamp_ms, 1726209059000);
  const berth_credentials abi = c->abi();
  EXPECT_EQ(abi.scheme, BERTH_SCHEME_ROCKETMQ_V2);
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(abi.signed_content.ptr),
                             abi.signed_content.len),
            date);
}

TEST(call_credentials, says_what_is_wrong_with_a_bad_header) {
  const auto why = [](std::string_view header, std::optional<std::string_view> at) {
    const auto parsed = parse_call_credentials(header, at);
    const auto* text = std::get_if<std::string>(&parsed);
    return text == nullptr ? std::string("<accepted>") : *text;
  };
  EXPECT_NE(why("Basic dXNlcg==", date).find("MQv2-HMAC-SHA1"), std::string::npos);
  EXPECT_NE(why("MQv2-HMAC-SHA1 Signature=00", date).find("Credential"), std::string::npos);
  EXPECT_NE(why("MQv2-HMAC-SHA1 Credential=a", date).find("Signature"), std::string::npos);
  EXPECT_NE(why("MQv2-HMAC-SHA1 Credential=a, Signature=0g", date).find("hex"), std::string::npos);
  EXPECT_NE(why("MQv2-HMAC-SHA1 Credential=a, Signature=00", std::nullopt).find("x-mq-date-time"),
            std::string::npos);
  EXPECT_NE(why("MQv2-HMAC-SHA1 Credential=a, Signature=00", "2024-09-13").find("yyyyMMdd"),
            std::string::npos);
}

TEST(call_credentials, date_times_out_of_range_are_refused) {
  EXPECT_FALSE(parse_date_time("20241313T000000Z"));
  EXPECT_FALSE(parse_date_time("20240900T000000Z"));
  EXPECT_FALSE(parse_date_time("20240913T246000Z"));
  EXPECT_FALSE(parse_date_time("20240913 063059Z"));
  EXPECT_EQ(parse_date_time("19700101T000001Z"), 1000);
}

}  // namespace
}  // namespace berth::transport_grpc
