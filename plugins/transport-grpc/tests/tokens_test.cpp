// Receipt handles and transaction ids as the clients echo them back.
#include "tokens.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace berth::transport_grpc {
namespace {

TEST(receipt_token, round_trips_with_and_without_the_retry_mark) {
  for (const bool retry : {false, true}) {
    const std::string text = encode_receipt({"AbC-_123", 3, 1234567, retry});
    EXPECT_EQ(text, retry ? "AbC-_123.3.1234567~r" : "AbC-_123.3.1234567");
    const auto back = decode_receipt(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(back->native, "AbC-_123");
    EXPECT_EQ(back->queue_id, 3u);
    EXPECT_EQ(back->queue_offset, 1234567u);
    EXPECT_EQ(back->from_retry_topic, retry);
  }
}

TEST(receipt_token, refuses_what_no_broker_handle_looks_like) {
  for (const std::string& bad : std::vector<std::string>{"", "~r", "abc", "abc.1", ".1.2", "abc..2", "abc.1.", "abc.x.2",
                                "abc.1.2x", "has space.1.2", "slash/plus+.1.2",
                                "abc.99999999999.2", std::string(300, 'a') + ".1.2"}) {
    EXPECT_FALSE(decode_receipt(bad)) << bad;
  }
}

TEST(receipt_token, a_retried_message_is_acknowledged_on_the_group_retry_topic) {
  EXPECT_EQ(ack_topic({"h", 0, 0, false}, "orders", "g"), "orders");
  EXPECT_EQ(ack_topic({"h", 0, 0, true}, "orders", "g"), "%RETRY%g");
}

TEST(offset_token, round_trips) {
  const std::string text = encode_offset_token({42, "C39E090C5D6CD67B0000000000000000"});
  EXPECT_EQ(text, "42:C39E090C5D6CD67B0000000000000000");
  const auto back = decode_offset_token(text);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->offset, 42u);
  EXPECT_EQ(back->id, "C39E090C5D6CD67B0000000000000000");
}

TEST(offset_token, refuses_malformed_tokens) {
  for (const char* bad : {"", ":", "12:", ":abc", "x1:abc", "1x:abc", "abc",
                          "99999999999999999999999:abc"}) {
    EXPECT_FALSE(decode_offset_token(bad)) << bad;
  }
}

}  // namespace
}  // namespace berth::transport_grpc
