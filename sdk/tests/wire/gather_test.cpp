// Frames with message bodies left out of the buffer: the pieces, sent in order, are exactly
// the fully-copied frame, and the bodies are the caller's bytes, not copies.
#include "samples.hpp"

#include <berth/wire/bodies.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <vector>

namespace wire = berth::wire;
namespace test = berth::wire::test;
using bytes = std::vector<uint8_t>;

namespace {

template <class T>
bytes full_frame(const wire::frame_header& h, const T& value) {
  bytes out;
  wire::frame_builder b(out, h);
  value.encode(b.body());
  (void)b.finish();
  return out;
}

bytes concat(const std::vector<std::span<const uint8_t>>& pieces) {
  bytes out;
  for (const auto& p : pieces) out.insert(out.end(), p.begin(), p.end());
  return out;
}

bool is_sample_body(std::span<const uint8_t> p) {
  return p.data() == test::body_a.data() || p.data() == test::body_b.data();
}

template <class T>
void check_gathered(const wire::frame_header& h, const T& value, size_t expected_bodies) {
  bytes buffer;
  wire::gather g;
  wire::frame_builder b(buffer, h);
  value.encode_gathered(b.body(), g);
  (void)b.finish_with_tail(g.external_bytes());
  const std::vector<std::span<const uint8_t>> pieces = g.pieces(buffer);

  EXPECT_EQ(concat(pieces), full_frame(h, value));
  size_t bodies = 0;
  for (const auto& p : pieces) {
    EXPECT_FALSE(p.empty());
    if (is_sample_body(p)) ++bodies;
  }
  EXPECT_EQ(bodies, expected_bodies);
  EXPECT_EQ(buffer.size() + g.external_bytes(), full_frame(h, value).size());
}

TEST(WireGather, EveryBodyWithMessagesMatchesTheCopiedFrame) {
  check_gathered(wire::request_header(wire::code::send, 1), test::sample<wire::message>(), 1);
  check_gathered(wire::request_header(wire::code::send_batch, 1),
                 test::sample<wire::send_batch_request>(), 2);
  const wire::frame_header pull = wire::request_header(wire::code::pull, 1);
  check_gathered(wire::response_header(pull), test::sample<wire::pull_response>(), 2);
  const wire::frame_header by_key = wire::request_header(wire::code::message_by_key, 1);
  check_gathered(wire::response_header(by_key), test::sample<wire::stored_message_list>(), 2);
  check_gathered(wire::push_header(wire::code::reply), test::sample<wire::stored_message>(), 1);
}

TEST(WireGather, EmptyBodiesMakeNoEmptyPieces) {
  wire::pull_response r = test::sample<wire::pull_response>();
  r.messages.push_back(test::sample_stored(0));
  r.messages[0].body = {};
  r.messages[2].body = {};
  const wire::frame_header h = wire::response_header(wire::request_header(wire::code::pull, 3));
  check_gathered(h, r, 1);

  r.messages.clear();
  bytes buffer;
  wire::gather g;
  wire::frame_builder b(buffer, h);
  r.encode_gathered(b.body(), g);
  (void)b.finish_with_tail(g.external_bytes());
  EXPECT_TRUE(g.empty());
  EXPECT_EQ(g.pieces(buffer).size(), 1u);
  EXPECT_EQ(concat(g.pieces(buffer)), full_frame(h, r));
}

TEST(WireGather, PositionsCountEarlierFramesInTheBuffer) {
  bytes buffer;
  wire::gather g;
  wire::frame_builder first(buffer, wire::push_header(wire::code::group_changed));
  wire::group_changed_push{"g", "t"}.encode(first.body());
  (void)first.finish();
  const size_t first_size = buffer.size();
  const wire::frame_header h = wire::push_header(wire::code::reply);
  wire::frame_builder second(buffer, h);
  test::sample<wire::stored_message>().encode_gathered(second.body(), g);
  (void)second.finish_with_tail(g.external_bytes());

  bytes expected =
      full_frame(wire::push_header(wire::code::group_changed), wire::group_changed_push{"g", "t"});
  ASSERT_EQ(expected.size(), first_size);
  const bytes reply = full_frame(h, test::sample<wire::stored_message>());
  expected.insert(expected.end(), reply.begin(), reply.end());
  EXPECT_EQ(concat(g.pieces(buffer)), expected);
}

TEST(WireGather, ClearStartsOver) {
  wire::gather g;
  g.add(3, wire::bytes_view(test::body_a));
  EXPECT_EQ(g.external_bytes(), test::body_a.size());
  g.clear();
  EXPECT_TRUE(g.empty());
  EXPECT_EQ(g.external_bytes(), 0u);
}

}  // namespace
