// The frame header: encoding, every refusal a receiver makes, names, and frame_builder.
#include <berth/wire/codes.hpp>
#include <berth/wire/frame.hpp>
#include <berth/wire/writer.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace wire = berth::wire;

namespace {

constexpr size_t limit = 1024;

wire::frame_header sample_header() {
  wire::frame_header h;
  h.length = 0x0102;
  h.kind = wire::kind::response;
  h.code = wire::code::pull;
  h.status = wire::status::no_queue;
  h.flags = 0xA1B2C3D4;
  h.request_id = 0x0807060504030201;
  return h;
}

// The header above, written by hand from docs/protocol.md "Frames".
const std::vector<uint8_t> sample_header_bytes{
    0x02, 0x01, 0x00, 0x00,                          // length 0x0102
    0xE1, 0xB7,                                      // magic 0xB7E1
    0x01,                                            // version
    0x01,                                            // kind: response
    0x0C, 0x00,                                      // code 12: PULL
    0x0C, 0x00,                                      // status 12: NO_QUEUE
    0xD4, 0xC3, 0xB2, 0xA1,                          // flags
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,  // request id
};

std::vector<uint8_t> with_length(uint32_t length) {
  std::vector<uint8_t> bytes(sample_header_bytes);
  for (size_t i = 0; i < 4; ++i) bytes[i] = static_cast<uint8_t>(length >> (8 * i));
  return bytes;
}

TEST(WireFrame, HeaderEncodesToTheSpecBytes) {
  const auto bytes = wire::encode_header(sample_header());
  EXPECT_EQ(std::vector<uint8_t>(bytes.begin(), bytes.end()), sample_header_bytes);
}

TEST(WireFrame, HeaderRoundTrips) {
  const wire::header_result r = wire::decode_header(sample_header_bytes, limit);
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(r.header, sample_header());
  EXPECT_EQ(r.header.frame_size(), 0x0102u + 4);
  EXPECT_EQ(r.header.body_size(), 0x0102u - 20);
  EXPECT_FALSE(r.header.oneway());
  EXPECT_EQ(r.answer(), wire::status::ok);
  EXPECT_TRUE(r.reason.empty());
}

TEST(WireFrame, EveryShortPrefixAsksForMore) {
  for (size_t n = 0; n < wire::header_size; ++n) {
    const std::span<const uint8_t> prefix(sample_header_bytes.data(), n);
    const wire::header_result r = wire::decode_header(prefix, limit);
    EXPECT_EQ(r.state, wire::header_state::need_more) << n;
    EXPECT_EQ(r.needed, n < 4 ? 4u : 24u) << n;
    EXPECT_EQ(r.answer(), wire::status::ok);
    EXPECT_EQ(wire::peek_length(prefix, limit).state,
              n < 4 ? wire::header_state::need_more : wire::header_state::ok);
  }
}

TEST(WireFrame, BadMagicIsMalformed) {
  std::vector<uint8_t> bytes(sample_header_bytes);
  bytes[4] = 0x34;
  bytes[5] = 0x12;
  const wire::header_result r = wire::decode_header(bytes, limit);
  EXPECT_EQ(r.state, wire::header_state::malformed);
  EXPECT_EQ(r.answer(), wire::status::malformed_frame);
  EXPECT_EQ(r.reason, "bad magic 0x1234 (expected 0xB7E1)");
}

TEST(WireFrame, LengthBelowTwentyIsMalformedFromFourBytes) {
  for (const uint32_t length : {0u, 1u, 19u}) {
    const std::vector<uint8_t> bytes = with_length(length);
    const wire::header_result r = wire::decode_header(std::span(bytes).first(4), limit);
    EXPECT_EQ(r.state, wire::header_state::malformed) << length;
    EXPECT_EQ(r.answer(), wire::status::malformed_frame);
    EXPECT_EQ(r.reason, "frame length " + std::to_string(length) + " is below the minimum 20");
    EXPECT_EQ(wire::decode_header(bytes, limit).state, wire::header_state::malformed);
  }
}

TEST(WireFrame, LengthTwentyIsAFrameWithoutBody) {
  const std::vector<uint8_t> bytes = with_length(20);
  const wire::header_result r = wire::decode_header(bytes, limit);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.header.body_size(), 0u);
  EXPECT_TRUE(wire::frame_body(bytes, r.header).empty());
}

TEST(WireFrame, TooLargeIsDecidedFromTheLengthAlone) {
  // Only the four length bytes have arrived: the verdict must not wait for more.
  const std::vector<uint8_t> over = with_length(limit + 1);
  const wire::header_result peek = wire::peek_length(std::span(over).first(4), limit);
  EXPECT_EQ(peek.state, wire::header_state::too_large);
  EXPECT_EQ(peek.answer(), wire::status::frame_too_large);
  EXPECT_EQ(peek.header.length, limit + 1);
  EXPECT_EQ(peek.reason, "frame length 1025 is over the limit 1024");
  EXPECT_EQ(wire::decode_header(std::span(over).first(4), limit).state,
            wire::header_state::too_large);
  EXPECT_EQ(wire::decode_header(over, limit).state, wire::header_state::too_large);

  const std::vector<uint8_t> at = with_length(limit);
  EXPECT_EQ(wire::peek_length(std::span(at).first(4), limit).state, wire::header_state::ok);
  EXPECT_TRUE(wire::decode_header(at, limit).ok());
}

TEST(WireFrame, LargestLengthDoesNotOverflow) {
  const std::vector<uint8_t> bytes = with_length(std::numeric_limits<uint32_t>::max());
  const wire::header_result r = wire::decode_header(bytes, std::numeric_limits<size_t>::max());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.header.frame_size(), size_t{std::numeric_limits<uint32_t>::max()} + 4);
}

TEST(WireFrame, UnknownVersionIsReportedWithTheHeader) {
  std::vector<uint8_t> bytes(sample_header_bytes);
  bytes[6] = 2;
  const wire::header_result r = wire::decode_header(bytes, limit);
  EXPECT_EQ(r.state, wire::header_state::unsupported_version);
  EXPECT_EQ(r.answer(), wire::status::unsupported_version);
  EXPECT_EQ(r.reason, "protocol version 2 is not spoken (highest: 1)");
  // The rest of the header is there, so the answer can echo the request id and the receiver
  // can skip the frame and stay in sync.
  EXPECT_EQ(r.header.version, 2);
  EXPECT_EQ(r.header.request_id, sample_header().request_id);
  EXPECT_EQ(r.header.frame_size(), sample_header().frame_size());
}

TEST(WireFrame, LengthIsCheckedBeforeMagicWhateverTheChunking) {
  // Garbage whose length is too large reads as too large however many bytes have arrived.
  const std::vector<uint8_t> http{'G', 'E', 'T',  ' ',  '/', ' ', 'H', 'T', 'T', 'P', '/', '1',
                                  '.', '1', '\r', '\n', 'H', 'o', 's', 't', ':', ' ', 'x', 'y'};
  for (size_t n = 4; n <= http.size(); ++n) {
    EXPECT_EQ(wire::decode_header(std::span(http).first(n), limit).state,
              wire::header_state::too_large);
  }
}

TEST(WireFrame, KindFlagsAndStatusPassThrough) {
  std::vector<uint8_t> bytes(sample_header_bytes);
  bytes[7] = 9;     // no such kind: the receiver decides
  bytes[8] = 0x4D;  // code 77: unknown
  bytes[12] = 0x01;
  const wire::header_result r = wire::decode_header(bytes, limit);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(static_cast<int>(r.header.kind), 9);
  EXPECT_EQ(static_cast<int>(r.header.code), 77);
  EXPECT_TRUE(r.header.oneway());
  EXPECT_FALSE(wire::known(r.header.code));
  EXPECT_EQ(wire::name(r.header.kind), "unknown kind");
}

TEST(WireFrame, NamesAreTheSpecNames) {
  const std::vector<std::pair<int, std::string>> codes{
      {1, "HELLO"},           {2, "HEARTBEAT"},
      {10, "SEND"},           {11, "SEND_BATCH"},
      {12, "PULL"},           {13, "COMMIT_OFFSET"},
      {14, "QUERY_OFFSET"},   {15, "QUERY_ASSIGNMENT"},
      {20, "TOPIC_CREATE"},   {21, "TOPIC_LIST"},
      {22, "TOPIC_DESCRIBE"}, {23, "TOPIC_DELETE"},
      {30, "GROUP_LIST"},     {31, "GROUP_DESCRIBE"},
      {32, "GROUP_RESET"},    {40, "MESSAGE_BY_ID"},
      {41, "MESSAGE_BY_KEY"}, {42, "MESSAGE_AT"},
      {50, "SEND_REPLY"},     {60, "POP"},
      {61, "ACK"},            {62, "CHANGE_INVISIBLE"},
      {100, "GROUP_CHANGED"},
      {101, "REPLY"},         {102, "OFFSETS_RESET"},
      {17, "END_TRANSACTION"}, {18, "PRODUCER_REGISTER"},
      {103, "CHECK_TRANSACTION"}, {16, "SEND_BACK"},
      {33, "LOCK_QUEUES"},    {34, "UNLOCK_QUEUES"},
      {63, "RECALL"},
  };
  ASSERT_EQ(codes.size(), wire::all_codes.size());
  for (size_t i = 0; i < codes.size(); ++i) {
    const auto c = static_cast<wire::code>(codes[i].first);
    EXPECT_EQ(wire::all_codes[i], c);
    EXPECT_EQ(wire::name(c), codes[i].second);
    EXPECT_TRUE(wire::known(c));
    EXPECT_EQ(wire::is_push_code(c), codes[i].first >= 100);
  }
  const std::vector<std::pair<int, std::string>> statuses{
      {0, "OK"},
      {1, "MALFORMED_FRAME"},
      {2, "FRAME_TOO_LARGE"},
      {3, "UNSUPPORTED_VERSION"},
      {4, "UNKNOWN_CODE"},
      {5, "MALFORMED_REQUEST"},
      {6, "INVALID_ARGUMENT"},
      {7, "MESSAGE_TOO_LARGE"},
      {10, "NO_TOPIC"},
      {11, "NO_GROUP"},
      {12, "NO_QUEUE"},
      {13, "NOT_FOUND"},
      {14, "TOPIC_EXISTS"},
      {15, "NO_PERMISSION"},
      {20, "STORE_FULL"},
      {21, "STORE_FAILED"},
      {22, "TIMEOUT"},
      {23, "BUSY"},
      {24, "SHUTTING_DOWN"},
      {30, "UNAUTHENTICATED"},
      {31, "FORBIDDEN"},
      {32, "TLS_REQUIRED"},
      {33, "BAD_SIGNATURE"},
      {34, "SIGNATURE_EXPIRED"},
      {35, "REPLAYED"},
      {40, "INVALID_DELAY"},
      {41, "UNKNOWN_TRANSACTION"},
      {42, "INVALID_HANDLE"},
      {43, "STALE_HANDLE"},
      {44, "ALREADY_ACKED"},
      {45, "TRANSACTION_RESOLVED"},
      {46, "INVALID_FILTER"},
      {47, "FILTER_UNSUPPORTED"},
      {99, "INTERNAL"},
  };
  ASSERT_EQ(statuses.size(), wire::all_statuses.size());
  for (size_t i = 0; i < statuses.size(); ++i) {
    const auto s = static_cast<wire::status>(statuses[i].first);
    EXPECT_EQ(wire::all_statuses[i], s);
    EXPECT_EQ(wire::name(s), statuses[i].second);
    EXPECT_TRUE(wire::known(s));
  }
  EXPECT_EQ(wire::name(static_cast<wire::code>(3)), "UNKNOWN");
  EXPECT_EQ(wire::name(static_cast<wire::status>(8)), "UNKNOWN");
  EXPECT_FALSE(wire::known(static_cast<wire::status>(8)));
  EXPECT_EQ(wire::name(wire::kind::push), "push");
}

TEST(WireFrame, HeaderHelpersFillTheRightFields) {
  const wire::frame_header request = wire::request_header(wire::code::send, 42, wire::flag_oneway);
  EXPECT_EQ(request.kind, wire::kind::request);
  EXPECT_TRUE(request.oneway());
  const wire::frame_header response = wire::response_header(request, wire::status::busy);
  EXPECT_EQ(response.kind, wire::kind::response);
  EXPECT_EQ(response.code, wire::code::send);
  EXPECT_EQ(response.request_id, 42u);
  EXPECT_EQ(response.status, wire::status::busy);
  EXPECT_EQ(response.flags, 0u);
  const wire::frame_header push = wire::push_header(wire::code::reply);
  EXPECT_EQ(push.kind, wire::kind::push);
  EXPECT_EQ(push.request_id, 0u);
}

TEST(WireFrameBuilder, PatchesTheLengthOfEachFrameInABuffer) {
  std::vector<uint8_t> buffer{0xAA};  // bytes of an earlier frame stay untouched
  wire::frame_builder first(buffer, wire::request_header(wire::code::topic_list, 1));
  const std::span<const uint8_t> f1 = first.finish();
  EXPECT_EQ(f1.size(), 24u);
  wire::frame_builder second(buffer, wire::request_header(wire::code::topic_delete, 2));
  second.body().str("orders");
  const std::span<const uint8_t> f2 = second.finish();
  ASSERT_EQ(buffer.size(), 1u + 24 + 24 + 8);
  EXPECT_EQ(buffer[0], 0xAA);
  EXPECT_EQ(f2.data(), buffer.data() + 25);

  const wire::header_result h1 = wire::decode_header(std::span(buffer).subspan(1), limit);
  ASSERT_TRUE(h1.ok());
  EXPECT_EQ(h1.header.length, 20u);
  EXPECT_EQ(h1.header.code, wire::code::topic_list);
  const wire::header_result h2 = wire::decode_header(std::span(buffer).subspan(25), limit);
  ASSERT_TRUE(h2.ok());
  EXPECT_EQ(h2.header.length, 28u);
  EXPECT_EQ(h2.header.request_id, 2u);
  EXPECT_EQ(wire::frame_body(std::span(buffer).subspan(25), h2.header).size(), 8u);
}

TEST(WireFrameBuilder, LengthCountsTheTail) {
  std::vector<uint8_t> buffer;
  wire::frame_builder b(buffer, wire::request_header(wire::code::send, 1));
  b.body().bytes_length(1000);
  const std::span<const uint8_t> in_buffer = b.finish_with_tail(1000);
  EXPECT_EQ(in_buffer.size(), 28u);
  const wire::header_result h = wire::decode_header(buffer, 1 << 20);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h.header.length, 20u + 4 + 1000);
}

TEST(WireFrameBuilder, RefusesAFrameOverFourGigabytes) {
  std::vector<uint8_t> buffer;
  wire::frame_builder b(buffer, wire::request_header(wire::code::send, 1));
  EXPECT_THROW((void)b.finish_with_tail(std::numeric_limits<uint32_t>::max() - 19),
               wire::encode_error);
  EXPECT_NO_THROW((void)b.finish_with_tail(std::numeric_limits<uint32_t>::max() - 20));
}

}  // namespace
