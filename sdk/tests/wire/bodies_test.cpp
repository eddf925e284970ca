// Every body of every code: round trips through whole frames, cuts at every byte, trailing
// bytes, and the fields that default when missing.
#include "samples.hpp"

#include <berth/wire/body_types.hpp>

#include <gtest/gtest.h>

#include <algorithm>

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace wire = berth::wire;
namespace test = berth::wire::test;
using bytes = std::vector<uint8_t>;

namespace {

std::string context(const wire::frame_header& h) {
  std::string s(wire::name(h.code));
  if (h.kind == wire::kind::response) s += " response";
  if (h.kind == wire::kind::push) s += " push";
  return s;
}

std::string describe(const wire::frame_header& h) {
  return context(h) + " status " + std::string(wire::name(h.status));
}

TEST(WireBodies, EveryCodeHasItsBodies) {
  for (const wire::frame_header& h : test::all_headers()) {
    const bool found = wire::visit_body_type(h, [](auto) {});
    const bool push_code = wire::is_push_code(h.code);
    switch (h.kind) {
      case wire::kind::request: EXPECT_EQ(found, !push_code) << describe(h); break;
      case wire::kind::response:
        // Errors answer any code; an ok response exists for request codes only.
        EXPECT_EQ(found, h.status != wire::status::ok || !push_code) << describe(h);
        break;
      case wire::kind::push: EXPECT_EQ(found, push_code) << describe(h); break;
    }
  }
  wire::frame_header unknown = wire::request_header(static_cast<wire::code>(77), 1);
  EXPECT_FALSE(wire::visit_body_type(unknown, [](auto) {}));
  unknown.kind = static_cast<wire::kind>(3);
  unknown.code = wire::code::pull;
  EXPECT_FALSE(wire::visit_body_type(unknown, [](auto) {}));
}

TEST(WireBodies, BodyTypesFollowTheSpecTable) {
  const auto type_of = [](const wire::frame_header& h, auto expected) {
    bool same = false;
    wire::visit_body_type(h, [&]<class T>(std::type_identity<T>) {
      same = std::is_same_v<T, typename decltype(expected)::type>;
    });
    return same;
  };
  const wire::frame_header send = wire::request_header(wire::code::send, 1);
  EXPECT_TRUE(type_of(send, std::type_identity<wire::message>{}));
  EXPECT_TRUE(type_of(wire::response_header(send), std::type_identity<wire::send_result>{}));
  EXPECT_TRUE(type_of(wire::response_header(send, wire::status::busy),
                      std::type_identity<wire::error_response>{}));
  EXPECT_TRUE(type_of(wire::response_header(send, wire::status::unsupported_version),
                      std::type_identity<wire::unsupported_version_response>{}));
  const wire::frame_header list = wire::request_header(wire::code::topic_list, 1);
  EXPECT_TRUE(type_of(list, std::type_identity<wire::empty_body>{}));
  EXPECT_TRUE(type_of(wire::response_header(list), std::type_identity<wire::name_list>{}));
  EXPECT_TRUE(
      type_of(wire::push_header(wire::code::reply), std::type_identity<wire::stored_message>{}));
  EXPECT_TRUE(type_of(wire::response_header(wire::request_header(wire::code::commit_offset, 1)),
                      std::type_identity<wire::empty_body>{}));
}

// A sample of T in a whole frame with header `h`, decoded back from the frame's bytes.
template <class T>
void check_frame_round_trip(const wire::frame_header& h) {
  const T value = test::sample<T>();
  bytes frame;
  wire::frame_builder b(frame, h);
  value.encode(b.body());
  (void)b.finish();

  const wire::header_result hr = wire::decode_header(frame, wire::default_max_frame_size);
  ASSERT_TRUE(hr.ok()) << hr.reason;
  EXPECT_EQ(hr.header.frame_size(), frame.size());
  const std::span<const uint8_t> body = wire::frame_body(frame, hr.header);
  wire::decoded<T> d = wire::decode<T>(body, hr.header.code, hr.header.kind);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(*d, value);
  EXPECT_EQ(test::encoded(*d), bytes(body.begin(), body.end()));
}

TEST(WireBodies, EveryBodyRoundTripsInAFrame) {
  size_t checked = 0;
  for (const wire::frame_header& h : test::all_headers()) {
    SCOPED_TRACE(describe(h));
    wire::visit_body_type(h, [&]<class T>(std::type_identity<T>) {
      check_frame_round_trip<T>(h);
      ++checked;
    });
  }
  EXPECT_EQ(checked, 28u + 28u + 32u + 32u + 4u);  // requests, ok, error, version, pushes
}

// Where a body may end early by design: before each of its optional trailing fields (added by
// evolution), which then take their defaults.
template <class T>
std::vector<size_t> optional_tail_starts(const T& value, size_t whole) {
  if constexpr (std::is_same_v<T, wire::topic_create_request>) {
    return {whole - 1};
  } else if constexpr (std::is_same_v<T, wire::hello_response>) {
    const size_t nonce = 4 + value.auth_nonce.size();
    return {whole - nonce - 1, whole - nonce};  // before auth_required, before auth_nonce
  } else {
    return {};
  }
}

// Every cut of a sample's encoding is refused with the context and a field named, or (where a
// body's last fields are optional) decodes with those fields at their defaults.
template <class T>
void check_every_cut(const wire::frame_header& h) {
  const T value = test::sample<T>();
  const bytes whole = test::encoded(value);
  const std::vector<size_t> may_end = optional_tail_starts(value, whole.size());
  for (size_t cut = 0; cut < whole.size(); ++cut) {
    // A copy of exactly `cut` bytes: a read past it is a heap overflow the sanitizers report.
    const bytes prefix(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(cut));
    wire::decoded<T> d = wire::decode<T>(prefix, h.code, h.kind);
    if (std::find(may_end.begin(), may_end.end(), cut) != may_end.end()) {
      ASSERT_TRUE(d) << d.error().message;
      continue;
    }
    ASSERT_FALSE(d) << "cut at " << cut << " of " << whole.size();
    EXPECT_EQ(d.error().status, wire::status::malformed_request);
    const std::string& m = d.error().message;
    EXPECT_EQ(m.rfind(context(h) + ": field '", 0), 0u) << m;
  }
}

TEST(WireBodies, EveryCutOfEveryBodyIsRefused) {
  for (const wire::frame_header& h : test::all_headers()) {
    SCOPED_TRACE(describe(h));
    wire::visit_body_type(h, [&]<class T>(std::type_identity<T>) { check_every_cut<T>(h); });
  }
}

// (field, encoded size) in order, for the bodies whose cuts are checked field by field.
using layout = std::vector<std::pair<std::string, size_t>>;

template <class T>
void check_cuts_name_the_field(const wire::frame_header& h, const layout& fields) {
  const bytes whole = test::encoded(test::sample<T>());
  size_t total = 0;
  for (const auto& f : fields) total += f.second;
  ASSERT_EQ(total, whole.size());
  size_t field = 0;
  size_t field_end = fields[0].second;
  for (size_t cut = 0; cut < whole.size(); ++cut) {
    while (cut >= field_end) field_end += fields[++field].second;
    const bytes prefix(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(cut));
    wire::decoded<T> d = wire::decode<T>(prefix, h.code, h.kind);
    ASSERT_FALSE(d);
    const std::string& m = d.error().message;
    const std::string& name = fields[field].first;
    // Inside a list's items the count itself may be refused first: its minimum items no
    // longer fit in what is left.
    const std::string list = name.substr(0, name.find('['));
    const bool named = m.find("field '" + name + "': ") != std::string::npos;
    const bool count_refused = list != name &&
                               m.find("field '" + list + "': ") != std::string::npos &&
                               m.find(" items need at least ") != std::string::npos;
    EXPECT_TRUE(named || count_refused) << "cut at " << cut << ": " << m;
  }
}

TEST(WireBodies, CutsNameTheFieldBeingRead) {
  check_cuts_name_the_field<wire::pull_request>(wire::request_header(wire::code::pull, 1),
                                                {{"group", 4},
                                                 {"topic", 8},
                                                 {"queue_id", 4},
                                                 {"offset", 8},
                                                 {"max_messages", 4},
                                                 {"max_bytes", 4},
                                                 {"hold_ms", 4},
                                                 {"filter_type", 1},
                                                 {"expression", 9},
                                                 {"commit", 1},
                                                 {"commit_offset", 8}});
  check_cuts_name_the_field<wire::message>(wire::request_header(wire::code::send, 1),
                                           {{"topic", 8},
                                            {"queue_id", 4},
                                            {"tags", 6},
                                            {"keys", 7},
                                            {"properties", 2},
                                            {"properties[0].name", 16},
                                            {"properties[0].value", 8},
                                            {"properties[1].name", 17},
                                            {"properties[1].value", 15},
                                            {"flag", 4},
                                            {"born_time_ms", 8},
                                            {"body", 9}});
  check_cuts_name_the_field<wire::stored_message>(wire::push_header(wire::code::reply),
                                                  {{"topic", 8},
                                                   {"queue_id", 4},
                                                   {"queue_offset", 8},
                                                   {"log_offset", 8},
                                                   {"message_id", 34},
                                                   {"tags", 6},
                                                   {"keys", 4},
                                                   {"properties", 2},
                                                   {"properties[0].name", 3},
                                                   {"properties[0].value", 5},
                                                   {"flag", 4},
                                                   {"sys_flag", 4},
                                                   {"reconsume_times", 4},
                                                   {"born_time_ms", 8},
                                                   {"store_time_ms", 8},
                                                   {"born_host", 15},
                                                   {"store_host", 16},
                                                   {"body", 9}});
}

TEST(WireBodies, TrailingBytesAreIgnored) {
  for (const wire::frame_header& h : test::all_headers()) {
    SCOPED_TRACE(describe(h));
    wire::visit_body_type(h, [&]<class T>(std::type_identity<T>) {
      const T value = test::sample<T>();
      bytes body = test::encoded(value);
      body.insert(body.end(), {0xEE, 0x00, 0xFF, 0x13});  // fields of a later minor revision
      wire::reader r(body, h.code, h.kind);
      wire::decoded<T> d = wire::decode<T>(r);
      ASSERT_TRUE(d) << d.error().message;
      EXPECT_EQ(*d, value);
      EXPECT_EQ(r.remaining(), 4u);
    });
  }
}

TEST(WireBodies, MissingPermTakesItsDefault) {
  bytes body;
  wire::writer w(body);
  w.str("orders");
  w.u32(4);
  wire::decoded<wire::topic_create_request> d =
      wire::decode<wire::topic_create_request>(body, wire::code::topic_create);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->topic, "orders");
  EXPECT_EQ(d->queues, 4u);
  EXPECT_EQ(d->perm, wire::default_perm);
  EXPECT_EQ(wire::default_perm, 6);
}

TEST(WireBodies, VersionOneFieldsAreRequired) {
  // Without a listed default, a missing field is MALFORMED_REQUEST naming it.
  bytes body;
  wire::writer w(body);
  w.str("client-1");
  w.str("1.0");
  wire::decoded<wire::hello_request> d = wire::decode<wire::hello_request>(body, wire::code::hello);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().message, "HELLO: field 'max_version': 0 bytes left, needs 1");
}

TEST(WireBodies, DecodedViewsPointIntoTheFrame) {
  const bytes body = test::encoded(test::sample<wire::stored_message>());
  wire::decoded<wire::stored_message> d =
      wire::decode<wire::stored_message>(body, wire::code::message_at, wire::kind::response);
  ASSERT_TRUE(d);
  const auto inside = [&](const void* p) {
    const auto* b = static_cast<const uint8_t*>(p);
    return b >= body.data() && b < body.data() + body.size();
  };
  EXPECT_TRUE(inside(d->topic.data()));
  EXPECT_TRUE(inside(d->properties[0].value.data()));
  EXPECT_TRUE(inside(d->body.data()));
  EXPECT_EQ(d->body.data() + d->body.size(), body.data() + body.size());
}

TEST(WireBodies, EnumerationsCarryAnyValue) {
  // Range checks are the receiver's (INVALID_ARGUMENT), so unknown values pass through.
  wire::pull_request p = test::sample<wire::pull_request>();
  p.filter_type = static_cast<wire::filter_type>(200);
  const bytes body = test::encoded(p);
  wire::decoded<wire::pull_request> d = wire::decode<wire::pull_request>(body, wire::code::pull);
  ASSERT_TRUE(d);
  EXPECT_EQ(static_cast<int>(d->filter_type), 200);
}

}  // namespace
