// The lua filter over a fake host with the schema's defaults, and messages built in the test.
#pragma once

#include "lua_filter.hpp"

#include <berth/plugin/error.hpp>
#include <berth/plugin/testing/fake_host.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace berth::plugins::filter_lua::test {

// A message the test describes; view() is valid while the test_message lives, unchanged.
struct test_message {
  std::string topic = "orders";
  std::string tag;
  std::string keys;
  std::string message_id = "0A0000010000000000000042";
  std::string body;
  std::vector<std::pair<std::string, std::string>> properties;
  uint32_t queue_id = 0;
  uint64_t queue_offset = 0;
  uint32_t reconsume_times = 0;
  int64_t born_time_ms = 0;
  int64_t store_time_ms = 0;

  [[nodiscard]] berth_message_view view() const {
    abi_properties_.clear();
    for (const auto& [name, value] : properties) {
      abi_properties_.push_back(berth_property{sdk::abi_str(name), sdk::abi_str(value)});
    }
    berth_message_view v{};
    v.struct_size = sizeof v;
    v.topic = sdk::abi_str(topic);
    v.tags = sdk::abi_str(tag);
    v.keys = sdk::abi_str(keys);
    v.message_id = sdk::abi_str(message_id);
    v.body = berth_bytes{reinterpret_cast<const uint8_t*>(body.data()), body.size()};
    v.properties = abi_properties_.data();
    v.property_count = static_cast<uint32_t>(abi_properties_.size());
    v.queue_id = queue_id;
    v.queue_offset = queue_offset;
    v.reconsume_times = reconsume_times;
    v.born_time_ms = born_time_ms;
    v.store_time_ms = store_time_ms;
    v.tag_hash = berth_tag_hash(v.tags);
    return v;
  }

 private:
  mutable std::vector<berth_property> abi_properties_;
};

inline test_message tagged(std::string tag) {
  test_message m;
  m.tag = std::move(tag);
  return m;
}

class filter_fixture : public ::testing::Test {
 protected:
  filter_fixture() {
    host_.set_int("instruction_limit", 100000);
    host_.set_size("memory_limit", 1 << 20);
    host_.set_size("max_script_bytes", 64 << 10);
    host_.set_string("script_dir", "");
    host_.set_bool("allow_client_scripts", true);
    host_.set_duration("error_log_interval", std::chrono::seconds(10));
  }

  // The plugin, made on first use from the config set so far.
  lua_filter& filter() {
    if (!filter_) filter_ = std::make_unique<lua_filter>(sdk_host_);
    return *filter_;
  }

  std::unique_ptr<sdk::compiled_filter> compile(const std::string& script) {
    return filter().compile(script);
  }

  // The message of the plugin_error compile() throws, or nullopt when it compiles.
  std::optional<std::string> compile_error(const std::string& script) {
    try {
      static_cast<void>(filter().compile(script));
      return std::nullopt;
    } catch (const sdk::plugin_error& e) {
      EXPECT_EQ(e.status(), BERTH_E_INVALID);
      return e.what();
    }
  }

  static bool matches(const sdk::compiled_filter& expr, const test_message& m) {
    const berth_message_view v = m.view();
    return expr.match(sdk::message(v));
  }

  [[nodiscard]] int64_t errors() const { return host_.metric("lua_filter_errors_total"); }

  sdk::testing::fake_host host_;
  sdk::host sdk_host_{host_.table(), host_.context()};
  std::unique_ptr<lua_filter> filter_;
};

}  // namespace berth::plugins::filter_lua::test
