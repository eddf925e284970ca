// Field encodings one by one: exact little-endian bytes, the writer's limits, and the reader's
// refusals with the field named.
#include <berth/wire/message.hpp>
#include <berth/wire/reader.hpp>
#include <berth/wire/records.hpp>
#include <berth/wire/writer.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace wire = berth::wire;
using bytes = std::vector<uint8_t>;

namespace {

TEST(WireFields, IntegersAreLittleEndian) {
  bytes out;
  wire::writer w(out);
  w.u8(0x01);
  w.u16(0x0203);
  w.u32(0x04050607);
  w.u64(0x08090A0B0C0D0E0F);
  w.i32(-1);
  w.i64(std::numeric_limits<int64_t>::min());
  w.boolean(true);
  w.boolean(false);
  EXPECT_EQ(out, (bytes{0x01, 0x03, 0x02, 0x07, 0x06, 0x05, 0x04, 0x0F, 0x0E, 0x0D,
                        0x0C, 0x0B, 0x0A, 0x09, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0x00,
                        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x01, 0x00}));

  wire::reader r(out, "T");
  EXPECT_EQ(r.u8("a"), 0x01);
  EXPECT_EQ(r.u16("b"), 0x0203);
  EXPECT_EQ(r.u32("c"), 0x04050607u);
  EXPECT_EQ(r.u64("d"), 0x08090A0B0C0D0E0Fu);
  EXPECT_EQ(r.i32("e"), -1);
  EXPECT_EQ(r.i64("f"), std::numeric_limits<int64_t>::min());
  EXPECT_TRUE(r.boolean("g"));
  EXPECT_FALSE(r.boolean("h"));
  EXPECT_TRUE(r.at_end());
  EXPECT_TRUE(r.ok());
}

TEST(WireFields, LengthPrefixedFields) {
  bytes out;
  wire::writer w(out);
  w.str("ab");
  w.text("");
  const bytes payload{0xFF, 0x00};
  w.bytes(payload);
  w.props(std::vector<wire::property>{{"k", "v"}});
  w.str_list(std::vector<std::string_view>{"x"});
  w.u32_list(std::vector<uint32_t>{7});
  EXPECT_EQ(out, (bytes{0x02, 0x00, 'a',  'b',                                      // str
                        0x00, 0x00, 0x00, 0x00,                                     // text ""
                        0x02, 0x00, 0x00, 0x00, 0xFF, 0x00,                         // bytes
                        0x01, 0x00, 0x01, 0x00, 'k',  0x01, 0x00, 0x00, 0x00, 'v',  // props
                        0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 'x',                    // list<str>
                        0x01, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00}));          // list<u32>

  wire::reader r(out, "T");
  const std::string_view s = r.str("s");
  EXPECT_EQ(s, "ab");
  // Zero copy: the view points into the body.
  EXPECT_EQ(static_cast<const void*>(s.data()), static_cast<const void*>(out.data() + 2));
  EXPECT_EQ(r.text("t"), "");
  EXPECT_EQ(r.bytes("b"), wire::bytes_view(payload));
  std::vector<wire::property> props;
  r.props("p", props);
  EXPECT_EQ(props, (std::vector<wire::property>{{"k", "v"}}));
  std::vector<std::string_view> names;
  r.str_list("n", names);
  EXPECT_EQ(names, std::vector<std::string_view>{"x"});
  std::vector<uint32_t> ids;
  r.u32_list("i", ids);
  EXPECT_EQ(ids, std::vector<uint32_t>{7});
  EXPECT_TRUE(r.at_end());
  EXPECT_TRUE(r.ok());
}

TEST(WireFields, WriterRefusesWhatTheFormatCannotCarry) {
  bytes out;
  wire::writer w(out);
  const std::string longest(wire::max_str_bytes, 'x');
  EXPECT_NO_THROW(w.str(longest));
  EXPECT_EQ(out.size(), 2 + wire::max_str_bytes);
  try {
    w.str(longest + "y");
    FAIL() << "no throw";
  } catch (const wire::encode_error& e) {
    EXPECT_STREQ(e.what(), "a str of 65536 bytes does not fit the wire format (at most 65535)");
  }
  const std::vector<wire::property> too_many(wire::max_properties + 1);
  EXPECT_THROW(w.props(too_many), wire::encode_error);
  EXPECT_THROW(w.bytes_length(size_t{1} << 32), wire::encode_error);
  EXPECT_THROW(w.count(size_t{1} << 32), wire::encode_error);
}

TEST(WireFields, ShortStringNamesFieldAndLengths) {
  const bytes body{0x28, 0x00, 'a', 'b', 'c'};  // says 40, has 3
  wire::reader r(body, wire::code::pull);
  EXPECT_EQ(r.str("topic"), "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, wire::status::malformed_request);
  EXPECT_EQ(r.error().message, "PULL: field 'topic': 3 bytes left, length says 40");
}

TEST(WireFields, ShortFixedFieldAndShortLength) {
  const bytes two{0x01, 0x02};
  wire::reader a(two, wire::code::send, wire::kind::response);
  (void)a.u32("queue_id");
  EXPECT_EQ(a.error().message, "SEND response: field 'queue_id': 2 bytes left, needs 4");

  const bytes one{0x01};
  wire::reader b(one, wire::code::group_changed, wire::kind::push);
  (void)b.str("group");
  EXPECT_EQ(b.error().message,
            "GROUP_CHANGED push: field 'group': 1 byte left, needs 2 for its length");

  wire::reader c({}, static_cast<wire::code>(77));
  (void)c.text("message");
  EXPECT_EQ(c.error().message, "code 77: field 'message': 0 bytes left, needs 4 for its length");
}

TEST(WireFields, FirstErrorSticksAndLaterReadsReturnNothing) {
  const bytes body{0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  wire::reader r(body, "T");
  EXPECT_EQ(r.u64("first"), 0u);
  EXPECT_EQ(r.u8("second"), 0);  // would fit, but the body is already bad
  EXPECT_EQ(r.str("third"), "");
  EXPECT_EQ(r.error().message, "T: field 'first': 7 bytes left, needs 8");
  EXPECT_TRUE(r.at_end());
  EXPECT_FALSE(r.result(42).ok());
  EXPECT_EQ(r.result(42).error().message, r.error().message);
}

TEST(WireFields, BoolOtherThanZeroOrOneIsRefused) {
  const bytes body{0x02};
  wire::reader r(body, wire::code::pull);
  (void)r.boolean("commit");
  EXPECT_EQ(r.error().message, "PULL: field 'commit': 2 is not a bool (0 or 1)");
}

TEST(WireFields, ForgedCountIsRefusedBeforeAllocating) {
  const bytes body{0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00};
  wire::reader r(body, wire::code::topic_list, wire::kind::response);
  std::vector<std::string_view> names;
  r.str_list("names", names);
  EXPECT_EQ(r.error().message,
            "TOPIC_LIST response: field 'names': 4294967295 items need at least 8589934590 "
            "bytes, 2 bytes left");
  EXPECT_EQ(names.capacity(), 0u);

  wire::reader p(body, "T");
  std::vector<wire::property> props;
  p.props("properties", props);
  EXPECT_EQ(p.error().message,
            "T: field 'properties': 65535 items need at least 393210 bytes, 4 bytes left");
}

TEST(WireFields, ErrorsInsideListItemsNameThePath) {
  bytes body;
  wire::writer w(body);
  w.count(2);
  w.str("g0");
  w.str("t0");
  w.u8(0);
  w.u8(0);
  w.text("e0");
  w.str("g1");
  w.str("t1");
  w.u8(0);
  w.u8(0);
  w.u32(100);  // expression says 100 bytes
  w.u64(0);
  w.u64(0);  // enough for the count check, not for the expression
  wire::reader r(body, wire::code::heartbeat);
  std::vector<wire::subscription> subs;
  r.list("subscriptions", subs);
  EXPECT_EQ(r.error().message,
            "HEARTBEAT: field 'subscriptions[1].expression': 16 bytes left, length says 100");
}

TEST(WireFields, NestedPathThroughListAndProperties) {
  bytes body;
  wire::writer w(body);
  w.count(1);  // messages
  w.str("t");
  w.u32(0);
  w.u64(0);
  w.u64(0);
  w.str("");
  w.str("");
  w.str("");
  w.u16(2);  // properties
  w.str("a");
  w.text("b");
  w.str("c");
  w.u32(100);  // the second value says 100 bytes
  body.resize(body.size() + 20);
  wire::reader r(body, wire::code::message_by_key, wire::kind::response);
  std::vector<wire::stored_message> messages;
  r.list("messages", messages);
  EXPECT_EQ(r.error().message,
            "MESSAGE_BY_KEY response: field 'messages[0].properties[1].value': 20 bytes left, "
            "length says 100");
  EXPECT_TRUE(messages.empty());
}

TEST(WireFields, OptionalFieldsTakeTheirDefaultAtTheEnd) {
  const bytes body{0x07, 0x00};
  wire::reader r(body, "T");
  EXPECT_EQ(r.optional_u16("a", 5), 7);
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(r.optional_u8("b", 1), 1);
  EXPECT_EQ(r.optional_u32("c", 2), 2u);
  EXPECT_EQ(r.optional_u64("d", 3), 3u);
  EXPECT_EQ(r.optional_i32("e", -4), -4);
  EXPECT_EQ(r.optional_i64("f", -5), -5);
  EXPECT_TRUE(r.optional_boolean("g", true));
  EXPECT_EQ(r.optional_str("h", "dflt"), "dflt");
  EXPECT_TRUE(r.ok());

  // A field cut in the middle is an error, not a default.
  const bytes partial{0x07};
  wire::reader p(partial, "T");
  EXPECT_EQ(p.optional_u16("a", 5), 0);
  EXPECT_EQ(p.error().message, "T: field 'a': 1 byte left, needs 2");
}

TEST(WireFields, DecodedHoldsValueOrError) {
  const wire::decoded<int> good(3);
  ASSERT_TRUE(good);
  EXPECT_EQ(*good, 3);
  const wire::decoded<int> bad(wire::decode_error{wire::status::malformed_request, "m"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "m");
  EXPECT_THROW((void)bad.value(), std::bad_variant_access);
}

}  // namespace
