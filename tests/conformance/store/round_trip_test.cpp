// What goes in comes out: every field a producer sets, every body shape, and what the store
// assigns (offsets, store time, ids).
#include "conformance_fixture.hpp"

#include <algorithm>
#include <set>

namespace berth::conformance {
namespace {

using properties = std::vector<std::pair<std::string, std::string>>;

properties sorted(properties p) {
  std::sort(p.begin(), p.end());
  return p;
}

}  // namespace

TEST_F(store_conformance, every_field_of_a_message_round_trips) {
  message_builder m("orders", 3);
  m.tags("TagA")
      .keys("order-17 customer-4")
      .property("colour", "blue")
      .property("region", "eu-west")
      .flag(0xDEADBEEFu)
      .sys_flag(0x5u)
      .reconsume_times(7)
      .born_time_ms(1'700'000'000'123)
      .born_host("10.1.2.3:4567")
      .store_host("127.0.0.1:10911")
      .body("hello, berth");
  const appended a = append_one(m);
  sync_ok();

  const read_result r = read_ok({.topic = "orders", .queue_id = 3, .offset = 0});
  ASSERT_EQ(r.status(), BERTH_READ_FOUND);
  ASSERT_EQ(r.size(), 1u);
  const berth_message_view& v = r[0];
  EXPECT_GE(v.struct_size, sizeof(berth_message_view));
  const message_copy got = message_copy::of(v);
  EXPECT_EQ(got.topic, "orders");
  EXPECT_EQ(got.queue_id, 3u);
  EXPECT_EQ(got.queue_offset, 0u);
  EXPECT_EQ(got.queue_offset, a.queue_offset);
  EXPECT_EQ(got.log_offset, a.log_offset);
  EXPECT_EQ(got.store_time_ms, a.store_time_ms);
  EXPECT_EQ(got.message_id, a.message_id);
  EXPECT_EQ(got.tags, "TagA");
  EXPECT_EQ(got.keys, "order-17 customer-4");
  EXPECT_EQ(got.tag_hash, berth_tag_hash(berth_str{"TagA", 4}));
  EXPECT_EQ(sorted(got.properties), sorted({{"colour", "blue"}, {"region", "eu-west"}}));
  EXPECT_EQ(got.flag, 0xDEADBEEFu);
  EXPECT_EQ(got.sys_flag, 0x5u);
  EXPECT_EQ(got.reconsume_times, 7u);
  EXPECT_EQ(got.born_time_ms, 1'700'000'000'123);
  EXPECT_EQ(got.born_host, "10.1.2.3:4567");
  EXPECT_EQ(got.store_host, "127.0.0.1:10911");
  EXPECT_EQ(body_text(v), "hello, berth");
}

TEST_F(store_conformance, a_message_without_tags_keys_or_properties_round_trips_empty) {
  append_one(message("plain", 0, "x"));
  sync_ok();
  const read_result r = read_ok({.topic = "plain", .queue_id = 0, .offset = 0});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].tags.len, 0u);
  EXPECT_EQ(r[0].tag_hash, 0u) << "no tag hashes to 0";
  EXPECT_EQ(r[0].keys.len, 0u);
  EXPECT_EQ(r[0].property_count, 0u);
}

TEST_F(store_conformance, empty_body_round_trips) {
  const appended a = append_one(message("bodies", 0, ""));
  append_one(message("bodies", 0, "after"));
  sync_ok();
  const std::vector<message_copy> all = read_all("bodies", 0);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_TRUE(all[0].body.empty());
  EXPECT_EQ(all[0].message_id, a.message_id);
  EXPECT_EQ(std::string(all[1].body.begin(), all[1].body.end()), "after");
}

TEST_F(store_conformance, one_mebibyte_binary_body_round_trips_byte_for_byte) {
  std::vector<uint8_t> body(1u << 20);
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<uint8_t>((i * 131 + i / 256) & 0xFF);
  body[0] = 0;  // NUL and high bytes: nothing text-like may be assumed
  body[1] = 0xFF;
  message_builder m("big", 0);
  m.body(body);
  append_one(m);
  sync_ok();
  const read_result r = read_ok({.topic = "big", .queue_id = 0, .offset = 0, .max_bytes = 1});
  ASSERT_EQ(r.size(), 1u) << "one message always fits, whatever max_bytes says";
  ASSERT_EQ(r[0].body.len, body.size());
  EXPECT_TRUE(std::equal(body.begin(), body.end(), r[0].body.ptr));
}

TEST_F(store_conformance, every_byte_value_survives_in_a_body) {
  std::vector<uint8_t> body(256);
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<uint8_t>(255 - i);
  message_builder m("bytes", 0);
  m.body(body);
  append_one(m);
  sync_ok();
  const std::vector<message_copy> all = read_all("bytes", 0);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].body, body);
}

TEST_F(store_conformance, properties_with_utf8_and_empty_values_round_trip) {
  const properties given = {{"UNIQ_KEY", "C0A80001-0001"},
                            {"emoji", "\xF0\x9F\x9A\xA2 ship"},
                            {"h\xC3\xA4ufig", "\xE6\xB8\xAF\xE5\x8F\xA3"},  // häufig = 港口
                            {"empty", ""},
                            {"spaces", "  a  b  "},
                            {"long", std::string(3000, 'v')}};
  message_builder m("props", 1);
  for (const auto& [name, value] : given) m.property(name, value);
  append_one(m);
  sync_ok();
  const std::vector<message_copy> all = read_all("props", 1);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(sorted(all[0].properties), sorted(given));
}

TEST_F(store_conformance, store_times_are_near_now_and_never_decrease_in_log_order) {
  const int64_t before = now_ms();
  std::vector<appended> all;
  for (int batch = 0; batch < 20; ++batch) {
    std::vector<message_builder> messages;
    for (int i = 0; i < 10; ++i) messages.push_back(message("times", static_cast<uint32_t>(i % 3), "t"));
    for (appended& a : append_ok(messages)) all.push_back(std::move(a));
  }
  const int64_t after = now_ms();
  std::sort(all.begin(), all.end(),
            [](const appended& x, const appended& y) { return x.log_offset < y.log_offset; });
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_GE(all[i].store_time_ms, before - 1000) << "message " << i;
    EXPECT_LE(all[i].store_time_ms, after + 1000) << "message " << i;
    if (i > 0) {
      EXPECT_GE(all[i].store_time_ms, all[i - 1].store_time_ms) << "message " << i;
    }
  }
}

TEST_F(store_conformance, log_offsets_increase_in_append_order) {
  std::vector<uint64_t> offsets;
  for (int batch = 0; batch < 5; ++batch) {
    std::vector<message_builder> messages;
    for (int i = 0; i < 7; ++i) {
      messages.push_back(message(i % 2 == 0 ? "even" : "odd", static_cast<uint32_t>(i % 4), "o"));
    }
    for (const appended& a : append_ok(messages)) offsets.push_back(a.log_offset);
  }
  for (size_t i = 1; i < offsets.size(); ++i) EXPECT_LT(offsets[i - 1], offsets[i]) << "message " << i;
}

TEST_F(store_conformance, message_ids_are_unique_and_lookup_id_finds_each_message) {
  std::vector<message_builder> messages;
  for (int i = 0; i < 90; ++i) {
    messages.push_back(message("ids", static_cast<uint32_t>(i % 3), "body-" + std::to_string(i)));
  }
  const std::vector<appended> done = append_ok(messages);
  sync_ok();

  std::set<std::string> ids;
  for (size_t i = 0; i < done.size(); ++i) {
    const appended& a = done[i];
    ASSERT_FALSE(a.message_id.empty()) << "message " << i;
    EXPECT_LT(a.message_id.size(), BERTH_MESSAGE_ID_CAP);
    EXPECT_TRUE(ids.insert(a.message_id).second) << "duplicate id " << a.message_id;

    auto found = store().lookup_id(a.message_id);
    ASSERT_TRUE(found) << a.message_id << ": " << found.error().message;
    ASSERT_EQ(found.value().size(), 1u) << a.message_id;
    EXPECT_EQ(found.value().status(), BERTH_READ_FOUND);
    const berth_message_view& v = found.value()[0];
    EXPECT_EQ(text(v.message_id), a.message_id);
    EXPECT_EQ(text(v.topic), "ids");
    EXPECT_EQ(v.queue_id, i % 3);
    EXPECT_EQ(v.queue_offset, a.queue_offset);
    EXPECT_EQ(v.log_offset, a.log_offset);
    EXPECT_EQ(body_text(v), "body-" + std::to_string(i));
  }
}

TEST_F(store_conformance, lookup_of_text_that_is_no_message_id_is_invalid) {
  append_one(message("ids", 0, "x"));
  sync_ok();
  for (const std::string_view bad : {"", "not a message id", "%%%%", "G0A8000100002A9F0000000000000000"}) {
    auto found = store().lookup_id(bad);
    ASSERT_FALSE(found) << "'" << bad << "' was accepted as a message id";
    EXPECT_EQ(found.error().code, BERTH_E_INVALID) << "'" << bad << "': " << found.error().message;
  }
}

TEST_F(store_conformance, lookup_of_an_unknown_message_id_is_not_found) {
  // A well-formed id this store never handed out: the last id of another instance that holds
  // more messages than this one.
  auto other = open_another();
  std::vector<message_builder> three;
  for (int i = 0; i < 3; ++i) three.push_back(message("elsewhere", 0, std::string(100, 'e')));
  auto there = other->store().append(kernel::store::views_of(three));
  ASSERT_TRUE(there) << there.error().message;
  const std::string foreign_id = there.value().back().message_id;

  append_one(message("here", 0, "h"));
  sync_ok();
  auto found = store().lookup_id(foreign_id);
  ASSERT_FALSE(found) << foreign_id << " was found in a store that never stored it";
  EXPECT_EQ(found.error().code, BERTH_E_NOT_FOUND) << found.error().message;
}

}  // namespace berth::conformance
