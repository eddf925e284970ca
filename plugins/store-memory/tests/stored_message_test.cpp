#include "stored_message.hpp"

#include "store_fixture.hpp"

#include <berth/plugin/message_id.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace berth::plugins::store_memory::test {
namespace {

message_ptr store_copy(const test_message& m, const message_stamp& stamp = {3, 4096, 1234}) {
  view_batch views({m});
  return std::make_shared<const stored_message>(*views.data()[0], stamp);
}

TEST(stored_message, counts_every_variable_field_plus_the_fixed_overhead) {
  test_message m;
  m.topic = "t";
  m.tags = "TagA";
  m.keys = "k1 k2";
  m.body = std::string(100, 'x');
  m.properties = {{"UNIQ_KEY", "abc"}, {"p", "value"}};
  view_batch views({m});
  EXPECT_EQ(accounted_size(*views.data()[0]),
            message_overhead + 1 + 4 + 5 + 100 + 8 + 3 + 1 + 5 + m.born_host.size() +
                m.store_host.size());
}

TEST(stored_message, owns_copies_of_every_field_after_the_input_is_gone) {
  message_ptr stored;
  {
    test_message m;
    m.tags = "TagA";
    m.keys = "k1";
    m.body = "payload";
    m.properties = {{"color", "blue"}};
    stored = store_copy(m);
  }  // the input strings are freed here
  const berth_message_view& v = stored->view();
  EXPECT_EQ(text(v.topic), "orders");
  EXPECT_EQ(text(v.tags), "TagA");
  EXPECT_EQ(text(v.keys), "k1");
  EXPECT_EQ(body_text(v), "payload");
  ASSERT_EQ(v.property_count, 1u);
  EXPECT_EQ(text(v.properties[0].name), "color");
  EXPECT_EQ(text(v.properties[0].value), "blue");
  EXPECT_EQ(text(v.born_host), "10.0.0.2:50000");
  EXPECT_EQ(text(v.store_host), "127.0.0.1:10911");
  EXPECT_EQ(v.flag, 7u);
  EXPECT_EQ(v.born_time_ms, 1'600'000'000'000);
}

TEST(stored_message, takes_the_stamp_and_derives_id_and_tag_hash) {
  test_message m;
  m.tags = "TagA";
  const message_ptr stored = store_copy(m, {3, 4096, 1234});
  const berth_message_view& v = stored->view();
  EXPECT_EQ(v.queue_offset, 3u);
  EXPECT_EQ(v.log_offset, 4096u);
  EXPECT_EQ(v.store_time_ms, 1234);
  EXPECT_EQ(v.tag_hash, berth_tag_hash(berth_str{"TagA", 4}));
  EXPECT_EQ(stored->message_id(), sdk::make_message_id("127.0.0.1:10911", 4096));
  EXPECT_EQ(sdk::message_id_offset(stored->message_id()), 4096u);
}

TEST(stored_message, an_untagged_message_has_tag_hash_zero) {
  EXPECT_EQ(store_copy(test_message{})->view().tag_hash, 0u);
}

TEST(stored_message, indexes_each_space_separated_key_and_the_uniq_key_once) {
  test_message m;
  m.keys = " k1  k2 k1 ";
  m.properties = {{"UNIQ_KEY", "u1"}, {"OTHER", "x"}, {"UNIQ_KEY", "k2"}};
  const message_ptr stored = store_copy(m);
  EXPECT_EQ(stored->index_keys(), (std::vector<std::string_view>{"k1", "k2", "u1"}));
}

TEST(stored_message, a_message_without_keys_is_indexed_under_none) {
  EXPECT_TRUE(store_copy(test_message{})->index_keys().empty());
}

}  // namespace
}  // namespace berth::plugins::store_memory::test
