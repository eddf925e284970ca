// The store facade over store-memory: results and errors as the kernel sees them, read_result
// ownership, append_async delivery, the arrival listener's lifetime.
#include "store/message_builder.hpp"
#include "store_fixture.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace berth::kernel::store {
namespace {

std::string_view text(berth_str s) { return s.len == 0 ? std::string_view{} : std::string_view{s.ptr, s.len}; }

class store_facade : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = test::store_harness::open(test::store_plugin_path("memory"), "");
    ASSERT_TRUE(opened) << opened.error().message;
    harness_ = std::move(opened).value();
  }
  store& s() { return harness_->store(); }

  // Append `n` messages "<topic>-<i>" to topic:0 and wait until they are visible.
  std::vector<appended> fill(const std::string& topic, int n) {
    std::vector<message_builder> batch;
    for (int i = 0; i < n; ++i) {
      message_builder m(topic, 0);
      m.body(topic + "-" + std::to_string(i)).tags(i % 2 == 0 ? "even" : "odd");
      batch.push_back(std::move(m));
    }
    auto done = s().append(views_of(batch));
    EXPECT_TRUE(done) << done.error().message;
    EXPECT_TRUE(s().sync());
    return done ? std::move(done).value() : std::vector<appended>{};
  }

  std::unique_ptr<test::store_harness> harness_;
};

TEST_F(store_facade, wrap_refuses_an_instance_of_another_kind) {
  auto opened = test::store_harness::open(test::test_plugin_dir() / "libberth-filter-testtag.so", "");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, BERTH_E_INVALID);
  EXPECT_NE(opened.error().message.find("is a filter, not a store"), std::string::npos)
      << opened.error().message;
}

TEST_F(store_facade, has_message_ops_for_an_abi_1_2_plugin) {
  EXPECT_TRUE(s().has_message_ops());
  EXPECT_EQ(s().plugin_name(), "memory");
}

TEST_F(store_facade, append_returns_one_result_per_message_and_read_finds_them) {
  const std::vector<appended> done = fill("facade", 5);
  ASSERT_EQ(done.size(), 5u);
  for (size_t i = 0; i < done.size(); ++i) {
    EXPECT_EQ(done[i].queue_offset, i);
    EXPECT_FALSE(done[i].message_id.empty());
  }
  auto r = s().read({.topic = "facade", .queue_id = 0, .offset = 0});
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r.value().found());
  ASSERT_EQ(r.value().messages().size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(text(r.value()[i].message_id), done[i].message_id);
    EXPECT_EQ(r.value()[i].log_offset, done[i].log_offset);
  }
  EXPECT_EQ(r.value().next_offset(), 5u);
}

TEST_F(store_facade, errors_carry_the_plugin_status_and_message) {
  message_builder bad("", 0);
  const berth_message_view* views[] = {&bad.view()};
  auto refused = s().append(views);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, BERTH_E_INVALID);
  EXPECT_FALSE(refused.error().message.empty());

  auto bounds = s().bounds("never", 3);
  ASSERT_FALSE(bounds);
  EXPECT_EQ(bounds.error().code, BERTH_E_NOT_FOUND);
  EXPECT_FALSE(bounds.error().message.empty());

  auto by_id = s().lookup_id("certainly not an id");
  ASSERT_FALSE(by_id);
  EXPECT_EQ(by_id.error().code, BERTH_E_INVALID);
}

TEST_F(store_facade, read_result_moves_keep_the_views_and_the_instance) {
  fill("moves", 3);
  const long before = s().instance().use_count();
  auto r = s().read({.topic = "moves", .queue_id = 0, .offset = 0});
  ASSERT_TRUE(r);
  read_result first = std::move(r).value();
  EXPECT_EQ(s().instance().use_count(), before + 1) << "a result holds the instance";
  read_result second = std::move(first);
  EXPECT_EQ(second.size(), 3u);
  auto other = s().read({.topic = "moves", .queue_id = 0, .offset = 2});
  ASSERT_TRUE(other);
  second = std::move(other).value();  // releases the first result, takes the second
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].queue_offset, 2u);
  EXPECT_EQ(s().instance().use_count(), before + 1);
}

TEST_F(store_facade, a_read_result_outlives_the_facade_it_came_from) {
  fill("outlive", 2);
  std::optional<read_result> kept;
  {
    auto second = store::wrap(s().instance());
    ASSERT_TRUE(second);
    auto r = second.value()->read({.topic = "outlive", .queue_id = 0, .offset = 0});
    ASSERT_TRUE(r);
    kept.emplace(std::move(r).value());
  }
  ASSERT_EQ(kept->size(), 2u);
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>((*kept)[1].body.ptr), (*kept)[1].body.len),
            "outlive-1");
}

TEST_F(store_facade, accept_filter_decides_by_tag_hash) {
  fill("filtered", 6);
  const uint64_t odd = berth_tag_hash(berth_str{"odd", 3});
  auto r = s().read({.topic = "filtered", .queue_id = 0, .offset = 0,
                     .accept = [odd](uint64_t h) { return h == odd; }});
  ASSERT_TRUE(r);
  ASSERT_EQ(r.value().size(), 3u);
  for (const berth_message_view* v : r.value().messages()) EXPECT_EQ(v->queue_offset % 2, 1u);
}

TEST_F(store_facade, a_throwing_accept_filter_keeps_the_entry) {
  fill("throwing", 2);
  auto r = s().read({.topic = "throwing", .queue_id = 0, .offset = 0,
                     .accept = [](uint64_t) -> bool { throw std::runtime_error("filter bug"); }});
  ASSERT_TRUE(r);
  EXPECT_EQ(r.value().size(), 2u);
}

TEST_F(store_facade, append_async_delivers_the_same_results_a_read_finds) {
  std::mutex mutex;
  std::vector<result<std::vector<appended>>> outcomes;
  {
    std::vector<message_builder> batch;
    for (int i = 0; i < 4; ++i) batch.emplace_back("async", 0).body("a" + std::to_string(i));
    s().append_async(views_of(batch), [&](result<std::vector<appended>> r) {
      std::lock_guard lock(mutex);
      outcomes.push_back(std::move(r));
    });
  }  // the builders are gone; the call must not need them any more
  ASSERT_TRUE(s().sync());
  for (int wait = 0; wait < 1000; ++wait) {
    {
      std::lock_guard lock(mutex);
      if (!outcomes.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::lock_guard lock(mutex);
  ASSERT_EQ(outcomes.size(), 1u);
  ASSERT_TRUE(outcomes[0]) << outcomes[0].error().message;
  const std::vector<appended>& done = outcomes[0].value();
  ASSERT_EQ(done.size(), 4u);
  auto r = s().read({.topic = "async", .queue_id = 0, .offset = 0});
  ASSERT_TRUE(r);
  ASSERT_EQ(r.value().size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(text(r.value()[i].message_id), done[i].message_id);
}

TEST_F(store_facade, append_async_delivers_a_refused_batch_inline) {
  message_builder bad("", 0);
  const berth_message_view* views[] = {&bad.view()};
  int calls = 0;
  berth_status status = BERTH_OK;
  s().append_async(views, [&](result<std::vector<appended>> r) {
    ++calls;
    status = r ? BERTH_OK : r.error().code;
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(status, BERTH_E_INVALID);
}

TEST_F(store_facade, stats_and_retention_report_come_back_complete) {
  fill("counted", 3);
  auto stats = s().stats();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats.value().struct_size, sizeof(berth_store_stats));
  EXPECT_EQ(stats.value().messages_appended, 3u);
  auto report = s().run_retention(BERTH_RETENTION_EXPIRED);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report.value().struct_size, sizeof(berth_retention_report));
}

// Counts arrivals; the count is shared so that it can be read after a facade is gone.
struct arrivals {
  std::shared_ptr<std::atomic<int>> count = std::make_shared<std::atomic<int>>(0);
  arrival_listener listener() const {
    return [count = count](std::string_view, uint32_t, uint64_t) { ++*count; };
  }
};

bool wait_for(const std::atomic<int>& count, int at_least) {
  for (int i = 0; i < 2000 && count < at_least; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return count >= at_least;
}

TEST_F(store_facade, the_destructor_removes_the_arrival_listener) {
  arrivals seen;
  {
    auto second = store::wrap(s().instance());
    ASSERT_TRUE(second);
    ASSERT_TRUE(second.value()->set_arrival_listener(seen.listener()));
    fill("listened", 1);
    ASSERT_TRUE(wait_for(*seen.count, 1));
  }  // the facade and its listener are gone; the instance lives on
  const int before = *seen.count;
  fill("listened", 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(*seen.count, before);
}

TEST_F(store_facade, replacing_the_arrival_listener_stops_the_old_one) {
  arrivals first, second;
  ASSERT_TRUE(s().set_arrival_listener(first.listener()));
  fill("replaced", 1);
  ASSERT_TRUE(wait_for(*first.count, 1));
  ASSERT_TRUE(s().set_arrival_listener(second.listener()));
  const int first_before = *first.count;
  fill("replaced", 1);
  ASSERT_TRUE(wait_for(*second.count, 1));
  EXPECT_EQ(*first.count, first_before);
}

}  // namespace
}  // namespace berth::kernel::store
