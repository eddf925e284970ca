// A failed message copied into its group's dead-letter topic, on the memory store.
#include "store_fixture.hpp"

#include "delivery/dead_letter.hpp"
#include "store/message_view.hpp"

#include <berth/wire/properties.hpp>

#include <gtest/gtest.h>

#include <future>

namespace berth::kernel::delivery {
namespace {

namespace properties = wire::properties;
using store::property_of;
using store::text_of;

class dead_letter_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = topic::topic_table::open(dir.path(), {false, 4});
    ASSERT_TRUE(opened) << opened.error().message;
    topics = std::move(opened).value();
    auto harness = test::store_harness::open(test::store_plugin_path("memory"), "");
    ASSERT_TRUE(harness) << harness.error().message;
    store = std::move(harness).value();
  }

  // Append `m` to its topic and read it back as stored.
  store::read_result stored(store::message_builder m) {
    const berth_message_view* views[] = {&m.view()};
    auto appended = store->store().append(views);
    EXPECT_TRUE(appended) << appended.error().message;
    return read(m.topic(), appended ? appended.value().front().queue_offset : 0);
  }
  store::read_result read(std::string_view topic, uint64_t offset) {
    auto r = store->store().read({.topic = topic, .queue_id = 0, .offset = offset, .max_messages = 1});
    EXPECT_TRUE(r && r.value().found());
    return std::move(r).value();
  }
  result<store::appended> dead_letter(const berth_message_view& failed) {
    std::promise<result<store::appended>> done;
    send_to_dead_letters(*topics, store->store(), "billing", failed,
                         [&](result<store::appended> r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  }

  berth::test::temp_dir dir;
  topic::topic_table_ptr topics;
  std::unique_ptr<test::store_harness> store;
};

TEST_F(dead_letter_test, the_copy_lands_in_the_groups_dlq_naming_its_origin) {
  store::message_builder m("orders", 0);
  m.tags("paid").keys("k").property("color", "blue").body("payload").reconsume_times(16);
  const auto original = stored(std::move(m));
  const auto moved = dead_letter(original[0]);
  ASSERT_TRUE(moved) << moved.error().message;

  const auto topic = topics->find("%DLQ%billing");
  ASSERT_TRUE(topic);  // created on first use, though auto-creation is off
  EXPECT_EQ(topic->queues, 1u);
  const auto letter = read("%DLQ%billing", moved.value().queue_offset);
  const berth_message_view& v = letter[0];
  EXPECT_EQ(text_of(v.tags), "paid");
  EXPECT_EQ(text_of(v.keys), "k");
  EXPECT_EQ(property_of(v, "color"), "blue");
  EXPECT_EQ(property_of(v, properties::dead_letter_origin_topic), "orders");
  EXPECT_EQ(property_of(v, properties::dead_letter_origin_message_id),
            text_of(original[0].message_id));
  EXPECT_EQ(v.reconsume_times, 16u);
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(v.body.ptr), v.body.len), "payload");
}

TEST_F(dead_letter_test, a_retry_copy_names_the_first_topic_and_id) {
  store::message_builder m("%RETRY%billing", 0);
  m.property(std::string(properties::retry_topic), "orders")
      .property(std::string(properties::origin_message_id), "FIRST-ID")
      .body("x");
  ASSERT_TRUE(topics->ensure("%RETRY%billing", {1, 6}));
  const auto retry = stored(std::move(m));
  const auto moved = dead_letter(retry[0]);
  ASSERT_TRUE(moved) << moved.error().message;
  const auto letter = read("%DLQ%billing", moved.value().queue_offset);
  EXPECT_EQ(property_of(letter[0], properties::dead_letter_origin_topic), "orders");
  EXPECT_EQ(property_of(letter[0], properties::dead_letter_origin_message_id), "FIRST-ID");
}

}  // namespace
}  // namespace berth::kernel::delivery
