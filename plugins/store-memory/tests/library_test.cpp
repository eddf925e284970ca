// The built libberth-store-memory.so as berthd sees it: loaded and checked by the kernel's
// plugin host, configured from TOML through its own schema, run on the kernel's scheduler.
#include "plugin_host/instance.hpp"
#include "plugin_host/library.hpp"
#include "plugin_host/testing_instance.hpp"

#include <berth/abi/berth_store.h>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <string>
#include <thread>

namespace berth::plugins::store_memory::test {
namespace {

namespace host = kernel::plugin_host;

class library_test : public ::testing::Test {
 protected:
  static const berth_store_ops& ops(const host::instance_ptr& instance) {
    return instance->ops<berth_store_ops>();
  }

  host::test_plugin plugin_{BERTH_STORE_MEMORY_LIBRARY, "store-memory-1"};
  const host::library_ptr& library_ = plugin_.library();  // null when refused
};

TEST_F(library_test, loads_as_the_memory_store_with_the_whole_store_table) {
  ASSERT_TRUE(library_) << plugin_.load_error();
  EXPECT_EQ(library_->name(), "memory");
  EXPECT_EQ(library_->kind(), kernel::config::plugin_kind::store);
  EXPECT_EQ(library_->abi_version(), std::to_string(BERTH_ABI_MAJOR) + "." + std::to_string(BERTH_ABI_MINOR));
  const auto* table = static_cast<const berth_store_ops*>(library_->descriptor().ops);
  EXPECT_TRUE(BERTH_HAS_FIELD(table, berth_store_ops, set_arrival_listener));
}

TEST_F(library_test, an_empty_table_gets_the_documented_defaults) {
  auto instance = plugin_.create();
  ASSERT_TRUE(instance) << instance.error().message;
  berth_store_stats stats{};
  stats.struct_size = sizeof stats;
  ops(instance.value()).stats(instance.value()->handle(), &stats);
  EXPECT_EQ(stats.bytes_free, uint64_t{256} << 20);  // max_bytes = "256MiB"

  // max_message_size = "4MiB": one byte more is refused.
  const std::string body((4u << 20) + 1, 'x');
  berth_message_view view{};
  view.struct_size = sizeof view;
  view.topic = berth_str{"orders", 6};
  view.body = berth_bytes{reinterpret_cast<const uint8_t*>(body.data()), body.size()};
  const berth_message_view* views[] = {&view};
  berth_append_result result{};
  std::array<char, 256> message{};
  berth_errbuf err{message.data(), message.size()};
  EXPECT_EQ(ops(instance.value()).append(instance.value()->handle(), views, 1, &result,
                                         sizeof result, nullptr, nullptr, &err),
            BERTH_E_INVALID);
  EXPECT_STREQ(message.data(),
               "message 0 of the batch: body of 4194305 bytes exceeds max_message_size (4194304)");
}

TEST_F(library_test, the_schema_refuses_a_retention_under_one_second) {
  ASSERT_TRUE(library_) << plugin_.load_error();
  auto refused = plugin_.create("retention = \"500ms\"");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("retention"), std::string::npos)
      << refused.error().message;
  EXPECT_TRUE(plugin_.create("retention = \"1s\"\nretention_check_interval = \"1s\"\n"
                             "max_message_size = \"1KiB\"\nmax_bytes = \"1MiB\""));
}

TEST_F(library_test, an_instance_with_its_retention_run_scheduled_is_destroyed_cleanly) {
  auto instance = plugin_.create("retention_check_interval = \"100ms\"");
  ASSERT_TRUE(instance) << instance.error().message;
  std::this_thread::sleep_for(std::chrono::milliseconds(250));  // a few runs on the scheduler
  instance.value().reset();  // retires the pending run, then destroys the store
}

}  // namespace
}  // namespace berth::plugins::store_memory::test
