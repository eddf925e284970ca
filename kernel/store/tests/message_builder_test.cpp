#include "store/message_builder.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace berth::kernel::store {
namespace {

std::string_view text(berth_str s) { return s.len == 0 ? std::string_view{} : std::string_view{s.ptr, s.len}; }

TEST(store_message_builder, view_holds_every_field_set) {
  message_builder m("orders", 2);
  m.tags("red").keys("a b").property("k", "v").property("empty", "").flag(9).sys_flag(4)
      .reconsume_times(3).born_time_ms(123).born_host("1.2.3.4:5").store_host("6.7.8.9:10")
      .body("payload");
  const berth_message_view& v = m.view();
  EXPECT_EQ(v.struct_size, sizeof(berth_message_view));
  EXPECT_EQ(text(v.topic), "orders");
  EXPECT_EQ(v.queue_id, 2u);
  EXPECT_EQ(text(v.tags), "red");
  EXPECT_EQ(v.tag_hash, berth_tag_hash(v.tags));
  EXPECT_EQ(text(v.keys), "a b");
  ASSERT_EQ(v.property_count, 2u);
  EXPECT_EQ(text(v.properties[0].name), "k");
  EXPECT_EQ(text(v.properties[0].value), "v");
  EXPECT_EQ(text(v.properties[1].name), "empty");
  EXPECT_EQ(v.properties[1].value.len, 0u);
  EXPECT_EQ(v.flag, 9u);
  EXPECT_EQ(v.sys_flag, 4u);
  EXPECT_EQ(v.reconsume_times, 3u);
  EXPECT_EQ(v.born_time_ms, 123);
  EXPECT_EQ(text(v.born_host), "1.2.3.4:5");
  EXPECT_EQ(text(v.store_host), "6.7.8.9:10");
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(v.body.ptr), v.body.len), "payload");
  EXPECT_EQ(v.queue_offset, 0u) << "store-assigned fields stay zero";
  EXPECT_EQ(v.message_id.len, 0u);
}

TEST(store_message_builder, an_empty_builder_has_no_tag_hash_properties_or_body) {
  message_builder m;
  const berth_message_view& v = m.view();
  EXPECT_EQ(v.tag_hash, 0u);
  EXPECT_EQ(v.properties, nullptr);
  EXPECT_EQ(v.property_count, 0u);
  EXPECT_EQ(v.body.len, 0u);
}

TEST(store_message_builder, view_follows_changes_and_moves) {
  message_builder m("t", 0);
  m.body("one");
  (void)m.view();
  m.body(std::string(1000, 'x')).tags("blue");
  for (int i = 0; i < 50; ++i) m.property("p" + std::to_string(i), "v");  // reallocates
  message_builder moved = std::move(m);
  const berth_message_view& v = moved.view();
  EXPECT_EQ(v.body.len, 1000u);
  EXPECT_EQ(v.tag_hash, berth_tag_hash(berth_str{"blue", 4}));
  ASSERT_EQ(v.property_count, 50u);
  EXPECT_EQ(text(v.properties[49].name), "p49");
}

TEST(store_message_builder, views_of_points_at_each_builder) {
  std::vector<message_builder> batch;
  batch.emplace_back("a", 0);
  batch.emplace_back("b", 1);
  const std::vector<const berth_message_view*> views = views_of(batch);
  ASSERT_EQ(views.size(), 2u);
  EXPECT_EQ(text(views[0]->topic), "a");
  EXPECT_EQ(views[1]->queue_id, 1u);
}

TEST(store_message_builder, a_copy_of_a_view_carries_what_the_producer_sent) {
  message_builder original("orders", 2);
  original.tags("paid").keys("k1 k2").property("a", "1").property("b", "2").body("payload");
  original.flag(7).reconsume_times(3).born_time_ms(1234).born_host("10.0.0.1:5");
  berth_message_view stored = original.view();
  stored.queue_offset = 99;  // what a store assigns is not copied
  message_builder copy = message_builder::copy_of(stored);
  copy.topic("%RETRY%g").queue_id(0);
  const berth_message_view& v = copy.view();
  EXPECT_EQ(text(v.topic), "%RETRY%g");
  EXPECT_EQ(text(v.tags), "paid");
  EXPECT_EQ(text(v.keys), "k1 k2");
  EXPECT_EQ(v.tag_hash, berth_tag_hash(v.tags));
  ASSERT_EQ(v.property_count, 2u);
  EXPECT_EQ(text(v.properties[1].value), "2");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(v.body.ptr), v.body.len), "payload");
  EXPECT_EQ(v.flag, 7u);
  EXPECT_EQ(v.reconsume_times, 3u);
  EXPECT_EQ(v.born_time_ms, 1234);
  EXPECT_EQ(text(v.born_host), "10.0.0.1:5");
  EXPECT_EQ(v.queue_offset, 0u);
}

TEST(store_message_builder, set_property_replaces_and_erase_property_removes) {
  message_builder m("t", 0);
  m.property("DELAY", "3").property("x", "1").property("DELAY", "4");
  m.set_property("DELAY", "0");
  ASSERT_NE(m.find_property("DELAY"), nullptr);
  EXPECT_EQ(*m.find_property("DELAY"), "0");
  EXPECT_EQ(m.properties().size(), 2u);
  m.erase_property("DELAY");
  EXPECT_EQ(m.find_property("DELAY"), nullptr);
  EXPECT_EQ(m.properties().size(), 1u);
}

}  // namespace
}  // namespace berth::kernel::store
