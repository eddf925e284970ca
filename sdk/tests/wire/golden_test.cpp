// Whole frames written byte by byte from docs/protocol.md: these pin the format. If one of
// them changes, the protocol changed.
#include <berth/wire/bodies.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace wire = berth::wire;
using bytes = std::vector<uint8_t>;

namespace {

template <class T>
bytes frame_of(const wire::frame_header& h, const T& body) {
  bytes out;
  wire::frame_builder b(out, h);
  body.encode(b.body());
  (void)b.finish();
  return out;
}

// Decode a golden frame whose header must equal `expected` (its length aside).
template <class T>
T decode_frame(const bytes& frame, wire::frame_header expected) {
  const wire::header_result h = wire::decode_header(frame, wire::default_max_frame_size);
  EXPECT_TRUE(h.ok()) << h.reason;
  expected.length = static_cast<uint32_t>(frame.size() - 4);
  EXPECT_EQ(h.header, expected);
  wire::decoded<T> d =
      wire::decode<T>(wire::frame_body(frame, h.header), h.header.code, h.header.kind);
  EXPECT_TRUE(d) << d.error().message;
  return d ? std::move(d).value() : T{};
}

TEST(WireGolden, HelloRequest) {
  const bytes golden{
      0x1E, 0x00, 0x00, 0x00,                          // length 30
      0xE1, 0xB7, 0x01, 0x00,                          // magic, version 1, request
      0x01, 0x00, 0x00, 0x00,                          // HELLO, status 0
      0x00, 0x00, 0x00, 0x00,                          // flags
      0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // request id 7
      0x02, 0x00, 'c',  '1',                           // client_id
      0x03, 0x00, '1',  '.',  '0',                     // client_version
      0x01,                                            // max_version
  };
  const wire::frame_header h = wire::request_header(wire::code::hello, 7);
  const wire::hello_request body{"c1", "1.0", 1};
  EXPECT_EQ(frame_of(h, body), golden);
  EXPECT_EQ(decode_frame<wire::hello_request>(golden, h), body);
}

const bytes send_golden{
    0x41, 0x00, 0x00, 0x00,                          // length 65
    0xE1, 0xB7, 0x01, 0x00,                          // magic, version 1, request
    0x0A, 0x00, 0x00, 0x00,                          // SEND, status 0
    0x01, 0x00, 0x00, 0x00,                          // flags: oneway
    0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // request id 0x0102
    0x01, 0x00, 't',                                 // topic
    0xFF, 0xFF, 0xFF, 0xFF,                          // queue_id -1
    0x01, 0x00, 'A',                                 // tags
    0x05, 0x00, 'k',  '1',  ' ',  'k',  '2',         // keys
    0x01, 0x00,                                      // properties: 1
    0x01, 0x00, 'a',                                 //   name (str)
    0x01, 0x00, 0x00, 0x00, 'b',                     //   value (text)
    0x04, 0x03, 0x02, 0x01,                          // flag
    0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,  // born_time_ms
    0x02, 0x00, 0x00, 0x00, 'h',  'i',               // body
};

wire::message send_body(const bytes& payload) {
  wire::message m;
  m.topic = "t";
  m.queue_id = -1;
  m.tags = "A";
  m.keys = "k1 k2";
  m.properties = {{"a", "b"}};
  m.flag = 0x01020304;
  m.born_time_ms = 0x0102030405060708;
  m.body = payload;
  return m;
}

TEST(WireGolden, SendRequest) {
  const bytes payload{'h', 'i'};
  const wire::frame_header h = wire::request_header(wire::code::send, 0x0102, wire::flag_oneway);
  EXPECT_EQ(frame_of(h, send_body(payload)), send_golden);
  EXPECT_EQ(decode_frame<wire::message>(send_golden, h), send_body(payload));
}

TEST(WireGolden, SendRequestWithTheBodyAsATail) {
  const bytes payload{'h', 'i'};
  bytes buffer;
  wire::frame_builder b(buffer, wire::request_header(wire::code::send, 0x0102, wire::flag_oneway));
  const wire::bytes_view tail = send_body(payload).encode_prefix(b.body());
  const std::span<const uint8_t> head = b.finish_with_tail(tail.size());
  EXPECT_EQ(tail.data(), payload.data());  // not copied
  bytes sent(head.begin(), head.end());
  sent.insert(sent.end(), tail.begin(), tail.end());
  EXPECT_EQ(sent, send_golden);
}

const bytes pull_golden{
    0x7B, 0x00, 0x00, 0x00,                          // length 123
    0xE1, 0xB7, 0x01, 0x01,                          // magic, version 1, response
    0x0C, 0x00, 0x00, 0x00,                          // PULL, OK
    0x00, 0x00, 0x00, 0x00,                          // flags
    0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // request id 9
    0x00,                                            // pull_status: found
    0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // next_offset
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // min_offset
    0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // max_offset
    0x01, 0x00, 0x00, 0x00,                          // messages: 1
    0x01, 0x00, 't',                                 //   topic
    0x01, 0x00, 0x00, 0x00,                          //   queue_id
    0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //   queue_offset
    0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //   log_offset 0x100
    0x01, 0x00, 'M',                                 //   message_id
    0x00, 0x00,                                      //   tags
    0x00, 0x00,                                      //   keys
    0x00, 0x00,                                      //   properties: 0
    0x00, 0x00, 0x00, 0x00,                          //   flag
    0x00, 0x00, 0x00, 0x00,                          //   sys_flag
    0x01, 0x00, 0x00, 0x00,                          //   reconsume_times
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,  //   born_time_ms -1
    0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //   store_time_ms
    0x03, 0x00, 'h',  ':',  '1',                     //   born_host
    0x00, 0x00,                                      //   store_host
    0x03, 0x00, 0x00, 0x00, 'x',  'y',  'z',         //   body
};

wire::pull_response pull_body(const bytes& payload) {
  wire::stored_message m;
  m.topic = "t";
  m.queue_id = 1;
  m.queue_offset = 2;
  m.log_offset = 0x100;
  m.message_id = "M";
  m.reconsume_times = 1;
  m.born_time_ms = -1;
  m.store_time_ms = 5;
  m.born_host = "h:1";
  m.body = payload;
  return wire::pull_response{wire::pull_status::found, 3, 0, 3, {m}};
}

TEST(WireGolden, PullResponse) {
  const bytes payload{'x', 'y', 'z'};
  const wire::frame_header request = wire::request_header(wire::code::pull, 9);
  const wire::frame_header h = wire::response_header(request);
  EXPECT_EQ(frame_of(h, pull_body(payload)), pull_golden);
  EXPECT_EQ(decode_frame<wire::pull_response>(pull_golden, h), pull_body(payload));

  // The gathered form: the same bytes, the body left where it was.
  bytes buffer;
  wire::gather g;
  wire::frame_builder b(buffer, h);
  pull_body(payload).encode_gathered(b.body(), g);
  (void)b.finish_with_tail(g.external_bytes());
  const auto pieces = g.pieces(buffer);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[1].data(), payload.data());
  bytes sent;
  for (const auto& p : pieces) sent.insert(sent.end(), p.begin(), p.end());
  EXPECT_EQ(sent, pull_golden);
}

TEST(WireGolden, ErrorResponse) {
  const bytes golden{
      0x20, 0x00, 0x00, 0x00,                          // length 32
      0xE1, 0xB7, 0x01, 0x01,                          // magic, version 1, response
      0x0A, 0x00, 0x0A, 0x00,                          // SEND, NO_TOPIC
      0x00, 0x00, 0x00, 0x00,                          // flags
      0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // request id 5
      0x08, 0x00, 0x00, 0x00,                          // message (text)
      'n',  'o',  ' ',  't',  'o',  'p',  'i',  'c',
  };
  const wire::frame_header h =
      wire::response_header(wire::request_header(wire::code::send, 5), wire::status::no_topic);
  EXPECT_EQ(frame_of(h, wire::error_response{"no topic"}), golden);
  EXPECT_EQ(decode_frame<wire::error_response>(golden, h).message, "no topic");
}

TEST(WireGolden, UnsupportedVersionResponse) {
  const bytes golden{
      0x1B, 0x00, 0x00, 0x00,                          // length 27
      0xE1, 0xB7, 0x01, 0x01,                          // magic, version 1, response
      0x01, 0x00, 0x03, 0x00,                          // HELLO, UNSUPPORTED_VERSION
      0x00, 0x00, 0x00, 0x00,                          // flags
      0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // request id 1
      0x02, 0x00, 0x00, 0x00, 'v',  '2',               // message
      0x01,                                            // highest version spoken
  };
  const wire::frame_header h = wire::response_header(wire::request_header(wire::code::hello, 1),
                                                     wire::status::unsupported_version);
  const wire::unsupported_version_response body{"v2", 1};
  EXPECT_EQ(frame_of(h, body), golden);
  EXPECT_EQ(decode_frame<wire::unsupported_version_response>(golden, h), body);
}

TEST(WireGolden, GroupChangedPush) {
  const bytes golden{
      0x1A, 0x00, 0x00, 0x00,                          // length 26
      0xE1, 0xB7, 0x01, 0x02,                          // magic, version 1, push
      0x64, 0x00, 0x00, 0x00,                          // GROUP_CHANGED, status 0
      0x00, 0x00, 0x00, 0x00,                          // flags
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // request id 0
      0x01, 0x00, 'g',                                 // group
      0x01, 0x00, 't',                                 // topic
  };
  const wire::frame_header h = wire::push_header(wire::code::group_changed);
  EXPECT_EQ(frame_of(h, wire::group_changed_push{"g", "t"}), golden);
  EXPECT_EQ(decode_frame<wire::group_changed_push>(golden, h),
            (wire::group_changed_push{"g", "t"}));
}

}  // namespace
