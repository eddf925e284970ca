// The timer service on the memory store with a test clock: levels honoured to the step, long
// timers parked again before retention, a restart from the checkpoint neither loses nor repeats.
#include "store_fixture.hpp"

#include "store/message_view.hpp"
#include "timer/timer_service.hpp"
#include "topic/system_topics.hpp"

#include <berth/wire/properties.hpp>

#include <gtest/gtest.h>

#include <future>

namespace berth::kernel::timer {
namespace {

using namespace std::chrono_literals;
namespace properties = wire::properties;
// The test clock starts at the real time: the store stamps parked messages with the real clock,
// and a long timer is parked again a day after that stamp.
const int64_t t0 = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();

class timer_service_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = topic::topic_table::open(dir.path(), {true, 4});
    ASSERT_TRUE(opened) << opened.error().message;
    topics = std::move(opened).value();
    ASSERT_TRUE(topics->create("orders", {2, 6}));
    auto harness = test::store_harness::open(test::store_plugin_path("memory"), "");
    ASSERT_TRUE(harness) << harness.error().message;
    store = std::move(harness).value();
    open_service();
  }
  void open_service() {
    timer_settings s;
    s.checkpoint_file = timer_checkpoint_path(dir.path());
    s.clock = [this] { return now.load(); };
    s.automatic = false;
    s.checkpoint_interval = 0ms;
    auto opened = timer_service::open(*topics, store->store(), scheduler, s);
    ASSERT_TRUE(opened) << opened.error().message;
    service = std::move(opened).value();
  }
  // Park one message for orders/queue until `at`, its body `body`.
  void park(const std::string& body, int64_t at, uint32_t queue = 1) {
    store::message_builder m("orders", queue);
    m.body(body).property("color", "blue");
    std::promise<result<store::appended>> done;
    service->park(std::move(m), at, [&](result<store::appended> r) { done.set_value(std::move(r)); });
    auto parked = done.get_future().get();
    ASSERT_TRUE(parked) << parked.error().message;
    service->arrived(parked.value().queue_offset + 1);
  }
  // Park one message with UNIQ_KEY = `id`; its timer-queue offset.
  uint64_t park_with_id(const std::string& body, const std::string& id, int64_t at) {
    store::message_builder m("orders", 1);
    m.body(body).property(std::string(properties::unique_key), id);
    std::promise<result<store::appended>> done;
    service->park(std::move(m), at, [&](result<store::appended> r) { done.set_value(std::move(r)); });
    auto parked = done.get_future().get();
    EXPECT_TRUE(parked) << parked.error().message;
    if (!parked) return 0;
    service->arrived(parked.value().queue_offset + 1);
    return parked.value().queue_offset;
  }
  result<void> recall(const std::string& topic, uint64_t offset, const std::string& id) {
    std::promise<result<void>> done;
    service->recall(topic, offset, id, [&](result<void> r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  }
  // Bodies delivered to orders, in queue order.
  std::vector<std::string> delivered(uint32_t queue = 1) {
    std::vector<std::string> out;
    auto r = store->store().read({.topic = "orders", .queue_id = queue, .offset = 0, .max_messages = 1000});
    if (!r) return out;
    for (const berth_message_view* v : r.value().messages()) {
      out.emplace_back(reinterpret_cast<const char*>(v->body.ptr), v->body.len);
    }
    return out;
  }
  uint64_t parked_count() {
    auto b = store->store().bounds_or_empty(topic::timer_topic, 0);
    return b ? b.value().max_offset : 0;
  }
  size_t advance_to(int64_t t) {
    now = t;
    return service->run_due();
  }

  berth::test::temp_dir dir;
  topic::topic_table_ptr topics;
  std::unique_ptr<test::store_harness> store;
  executor::scheduler scheduler{1};
  std::atomic<int64_t> now{t0};
  std::unique_ptr<timer_service> service;
};

TEST_F(timer_service_test, every_delay_level_is_delivered_when_due_and_not_a_step_before) {
  for (int level = 1; level <= max_delay_level; ++level) {
    park("level " + std::to_string(level), t0 + delay_of_level(level)->count());
  }
  EXPECT_EQ(service->run_due(), 0u);
  EXPECT_EQ(service->pending(), 18u);
  for (int level = 1; level <= max_delay_level; ++level) {
    const int64_t due = t0 + delay_of_level(level)->count();
    EXPECT_EQ(advance_to(due - 1), 0u) << "level " << level << " came early";
    EXPECT_EQ(advance_to(due), 1u) << "level " << level;
    ASSERT_EQ(delivered().size(), static_cast<size_t>(level));
    EXPECT_EQ(delivered().back(), "level " + std::to_string(level));
  }
  EXPECT_EQ(service->pending(), 0u);
}

TEST_F(timer_service_test, the_delivered_copy_keeps_the_message_and_drops_the_parking_properties) {
  park("hello", t0 + 1000, 1);
  advance_to(t0 + 1000);
  auto r = store->store().read({.topic = "orders", .queue_id = 1, .offset = 0, .max_messages = 1});
  ASSERT_TRUE(r && r.value().found());
  const berth_message_view& v = r.value()[0];
  EXPECT_EQ(store::property_of(v, "color"), "blue");
  for (std::string_view p : {properties::real_topic, properties::real_queue,
                             properties::deliver_at_ms, properties::delay_level}) {
    EXPECT_FALSE(store::property_of(v, p)) << p;
  }
  EXPECT_TRUE(delivered(0).empty());
}

TEST_F(timer_service_test, a_time_in_the_past_is_delivered_at_once) {
  park("late", t0 - 10'000);
  EXPECT_EQ(service->run_due(), 1u);
  EXPECT_EQ(delivered(), std::vector<std::string>{"late"});
}

TEST_F(timer_service_test, a_timer_longer_than_a_day_is_parked_again_before_retention_and_fires_once) {
  park("in 30 hours", t0 + 30 * 3'600'000LL);
  EXPECT_EQ(parked_count(), 1u);
  advance_to(t0 + 24 * 3'600'000LL + 60'000);  // roll_after: parked again, not delivered
  EXPECT_EQ(parked_count(), 2u);
  EXPECT_TRUE(delivered().empty());
  advance_to(t0 + 30 * 3'600'000LL - 1);
  EXPECT_TRUE(delivered().empty());
  advance_to(t0 + 30 * 3'600'000LL);
  EXPECT_EQ(delivered(), std::vector<std::string>{"in 30 hours"});
  advance_to(t0 + 60 * 3'600'000LL);
  EXPECT_EQ(delivered().size(), 1u);
}

TEST_F(timer_service_test, a_restart_from_the_checkpoint_delivers_the_rest_once) {
  park("1s", t0 + 1000);
  park("1h", t0 + 3'600'000);
  park("10s", t0 + 10'000);
  advance_to(t0 + 5000);
  EXPECT_EQ(delivered(), std::vector<std::string>{"1s"});
  service->stop();
  service.reset();

  open_service();  // same store, same checkpoint
  EXPECT_EQ(service->pending(), 0u);  // pending() counts after the first run
  EXPECT_EQ(service->run_due(), 0u);
  EXPECT_EQ(service->pending(), 2u);
  EXPECT_EQ(delivered(), std::vector<std::string>{"1s"});
  advance_to(t0 + 10'000);
  advance_to(t0 + 3'600'000);
  EXPECT_EQ(delivered(), (std::vector<std::string>{"1s", "10s", "1h"}));
}

TEST_F(timer_service_test, a_message_whose_topic_was_deleted_meanwhile_is_dropped_not_stuck) {
  park("orphan", t0 + 1000);
  ASSERT_TRUE(topics->remove("orders"));
  EXPECT_EQ(advance_to(t0 + 1000), 0u);
  EXPECT_EQ(service->pending(), 0u);
  service->stop();
  service.reset();
  auto saved = load_timer_checkpoint(timer_checkpoint_path(dir.path()));
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved.value().low_water, 1u);
}

TEST_F(timer_service_test, a_recalled_message_is_never_delivered_a_restart_included) {
  const uint64_t first = park_with_id("recalled", "id-1", t0 + 1000);
  const uint64_t second = park_with_id("kept", "id-2", t0 + 2000);
  ASSERT_TRUE(recall("orders", first, "id-1"));

  const auto refused = [&](const std::string& topic, uint64_t offset, const std::string& id) {
    auto r = recall(topic, offset, id);
    return !r && r.error().code == BERTH_E_NOT_FOUND;
  };
  EXPECT_TRUE(refused("orders", first, "id-1"));   // recalled already
  EXPECT_TRUE(refused("orders", second, "id-1"));  // another message's id
  EXPECT_TRUE(refused("audit", second, "id-2"));   // another topic
  EXPECT_TRUE(refused("orders", 999, "id-2"));     // no such offset

  service->stop();  // the recall is in the timer topic: a restart does not deliver it either
  service.reset();
  open_service();
  advance_to(t0 + 5000);
  EXPECT_EQ(delivered(), std::vector<std::string>{"kept"});
  EXPECT_TRUE(refused("orders", second, "id-2"));  // delivered: too late to recall
}

TEST_F(timer_service_test, a_recall_before_the_first_run_still_stops_the_delivery) {
  const uint64_t offset = park_with_id("recalled", "id-1", t0 + 1000);
  ASSERT_TRUE(recall("orders", offset, "id-1"));
  advance_to(t0 + 1000);
  advance_to(t0 + 2000);  // the tombstone loaded too
  EXPECT_TRUE(delivered().empty());
}

}  // namespace
}  // namespace berth::kernel::timer
