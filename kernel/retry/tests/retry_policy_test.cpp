// RocketMQ's retry rule: the backoff levels, the dead-letter threshold, the retry copy.
#include "store_fixture.hpp"

#include "retry/retry_policy.hpp"
#include "store/message_view.hpp"

#include <berth/wire/properties.hpp>

#include <gtest/gtest.h>

namespace berth::kernel::retry {
namespace {

using namespace std::chrono_literals;
namespace properties = wire::properties;

std::string property(const store::message_builder& m, std::string_view name) {
  const std::string* value = m.find_property(name);
  return value != nullptr ? *value : "<absent>";
}

retry_later later(uint32_t reconsume_times, int32_t level, uint32_t max = 16) {
  const retry_decision d = decide_retry(reconsume_times, level, max);
  EXPECT_TRUE(std::holds_alternative<retry_later>(d)) << "reconsume " << reconsume_times;
  return std::holds_alternative<retry_later>(d) ? std::get<retry_later>(d) : retry_later{};
}

TEST(retry_policy, the_automatic_backoff_starts_at_ten_seconds_and_grows_by_level) {
  EXPECT_EQ(later(0, 0).delay, 10s);
  EXPECT_EQ(later(1, 0).delay, 30s);
  EXPECT_EQ(later(2, 0).delay, 1min);
  EXPECT_EQ(later(3, 0).delay, 2min);
  EXPECT_EQ(later(12, 0).level, 15);
  EXPECT_EQ(later(12, 0).delay, 20min);
  EXPECT_EQ(later(15, 0).level, 18) << "capped at the last level";
  EXPECT_EQ(later(15, 0).delay, 2h);
  EXPECT_EQ(later(40, 0, 100).level, 18);
}

TEST(retry_policy, a_level_the_consumer_names_is_used_as_is) {
  EXPECT_EQ(later(0, 1).delay, 1s);
  EXPECT_EQ(later(9, 2).delay, 5s);
  EXPECT_EQ(later(0, 18).delay, 2h);
}

TEST(retry_policy, the_failure_after_max_reconsume_retries_goes_to_dead_letters) {
  EXPECT_TRUE(std::holds_alternative<retry_later>(decide_retry(15, 0, 16)));
  EXPECT_TRUE(std::holds_alternative<to_dead_letters>(decide_retry(16, 0, 16)));
  EXPECT_TRUE(std::holds_alternative<to_dead_letters>(decide_retry(17, 1, 16)));
  EXPECT_TRUE(std::holds_alternative<to_dead_letters>(decide_retry(0, 0, 0)))
      << "max_reconsume 0: no retry at all";
  EXPECT_TRUE(std::holds_alternative<to_dead_letters>(decide_retry(0, -1, 16)))
      << "-1 asks for the dead letters at once";
}

TEST(retry_policy, levels_outside_minus_one_to_eighteen_are_refused) {
  EXPECT_FALSE(valid_send_back_level(-2));
  EXPECT_TRUE(valid_send_back_level(-1));
  EXPECT_TRUE(valid_send_back_level(0));
  EXPECT_TRUE(valid_send_back_level(18));
  EXPECT_FALSE(valid_send_back_level(19));
}

TEST(retry_policy, the_retry_copy_goes_to_the_groups_retry_topic_naming_its_origin) {
  auto harness = test::store_harness::open(test::store_plugin_path("memory"), "");
  ASSERT_TRUE(harness) << harness.error().message;
  store::store& s = harness.value()->store();
  store::message_builder m("orders", 2);
  m.tags("paid").keys("k1").property("color", "blue").body("payload");
  const berth_message_view* views[] = {&m.view()};
  auto appended = s.append(views);
  ASSERT_TRUE(appended) << appended.error().message;
  auto read = s.read({.topic = "orders", .queue_id = 2, .offset = 0, .max_messages = 1});
  ASSERT_TRUE(read && read.value().found());
  const berth_message_view& original = read.value()[0];

  store::message_builder copy = retry_copy_of("billing", original);
  EXPECT_EQ(copy.topic(), "%RETRY%billing");
  EXPECT_EQ(copy.queue_id(), 0u);
  EXPECT_EQ(copy.reconsume_times(), 1u);
  EXPECT_EQ(property(copy, properties::retry_topic), "orders");
  EXPECT_EQ(property(copy, properties::origin_message_id),
            store::text_of(original.message_id));
  EXPECT_EQ(property(copy, "color"), "blue");
  EXPECT_EQ(store::text_of(copy.view().tags), "paid");

  // A retry of the retry keeps the first origin and counts on.
  const berth_message_view* again[] = {&copy.view()};
  auto stored_copy = s.append(again);
  ASSERT_TRUE(stored_copy) << stored_copy.error().message;
  auto read_copy = s.read({.topic = "%RETRY%billing", .queue_id = 0, .offset = 0, .max_messages = 1});
  ASSERT_TRUE(read_copy && read_copy.value().found());
  store::message_builder second = retry_copy_of("billing", read_copy.value()[0]);
  EXPECT_EQ(second.reconsume_times(), 2u);
  EXPECT_EQ(property(second, properties::retry_topic), "orders");
  EXPECT_EQ(property(second, properties::origin_message_id),
            store::text_of(original.message_id));
}

}  // namespace
}  // namespace berth::kernel::retry
