// A store plugin built against ABI 1.0 has sync() alone: the facade refuses everything else
// with BERTH_E_UNSUPPORTED and a message naming the plugin, and never reads past its table.
#include "store/message_builder.hpp"
#include "store_fixture.hpp"

#include <gtest/gtest.h>

namespace berth::kernel::store {
namespace {

class store_old_abi : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = test::store_harness::open(test::test_plugin_dir() / "libberth-store-frozen10.so", "");
    ASSERT_TRUE(opened) << opened.error().message;
    harness_ = std::move(opened).value();
  }
  store& s() { return harness_->store(); }

  static void expect_unsupported(const berth::error& e, std::string_view operation) {
    EXPECT_EQ(e.code, BERTH_E_UNSUPPORTED);
    EXPECT_NE(e.message.find("store plugin 'frozen10' predates ABI 1.2: no " + std::string(operation)),
              std::string::npos)
        << e.message;
  }

  std::unique_ptr<test::store_harness> harness_;
};

TEST_F(store_old_abi, sync_works) {
  EXPECT_FALSE(s().has_message_ops());
  auto synced = s().sync();
  EXPECT_TRUE(synced) << synced.error().message;
}

TEST_F(store_old_abi, append_is_unsupported) {
  message_builder m("t", 0);
  const berth_message_view* views[] = {&m.view()};
  auto done = s().append(views);
  ASSERT_FALSE(done);
  expect_unsupported(done.error(), "append");
  EXPECT_NE(done.error().message.find("ABI 1.0"), std::string::npos) << done.error().message;
}

TEST_F(store_old_abi, append_async_reports_unsupported_once) {
  message_builder m("t", 0);
  const berth_message_view* views[] = {&m.view()};
  int calls = 0;
  s().append_async(views, [&](result<std::vector<appended>> r) {
    ++calls;
    ASSERT_FALSE(r);
    expect_unsupported(r.error(), "append");
  });
  EXPECT_EQ(calls, 1);
}

TEST_F(store_old_abi, every_other_message_operation_is_unsupported) {
  auto read = s().read({.topic = "t"});
  ASSERT_FALSE(read);
  expect_unsupported(read.error(), "read");
  auto bounds = s().bounds("t", 0);
  ASSERT_FALSE(bounds);
  expect_unsupported(bounds.error(), "queue_bounds");
  auto by_time = s().offset_by_time("t", 0, 0);
  ASSERT_FALSE(by_time);
  expect_unsupported(by_time.error(), "offset_by_time");
  auto by_id = s().lookup_id("id");
  ASSERT_FALSE(by_id);
  expect_unsupported(by_id.error(), "lookup_id");
  auto by_key = s().lookup_key({.topic = "t", .key = "k"});
  ASSERT_FALSE(by_key);
  expect_unsupported(by_key.error(), "lookup_key");
  auto retention = s().run_retention();
  ASSERT_FALSE(retention);
  expect_unsupported(retention.error(), "run_retention");
  auto stats = s().stats();
  ASSERT_FALSE(stats);
  expect_unsupported(stats.error(), "stats");
  auto listener = s().set_arrival_listener([](std::string_view, uint32_t, uint64_t) {});
  ASSERT_FALSE(listener);
  expect_unsupported(listener.error(), "set_arrival_listener");
}

}  // namespace
}  // namespace berth::kernel::store
