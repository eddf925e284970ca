// The sql filter driven through the real ABI: the SDK's create/destroy trampolines and its
// berth_filter_ops table, over a fake_host. Compiled expressions come back as owning pointers.
#pragma once

#include "sql_filter.hpp"
#include "test_message.hpp"

#include <berth/plugin/filter.hpp>
#include <berth/plugin/testing/fake_host.hpp>

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>

namespace berth::plugins::filter_sql::test {

class plugin_fixture : public ::testing::Test {
 protected:
  using adapter = sdk::detail::filter_adapter<sql_filter>;
  using lifecycle = sdk::detail::lifecycle<sql_filter>;

  struct expr_release {
    void operator()(berth_filter_expr* e) const noexcept { adapter::release(e); }
  };
  using expr_ptr = std::unique_ptr<berth_filter_expr, expr_release>;

  // The schema's defaults, which the kernel would have applied; a test may override them.
  plugin_fixture() {
    host_.set_size("max_expression_bytes", 4096);
    host_.set_int("max_depth", 32);
  }
  ~plugin_fixture() override {
    if (instance_ != nullptr) lifecycle::destroy(instance_);
  }

  // Creates the instance from the fake host's config (call after setting keys).
  void create() {
    std::array<char, 256> message{};
    berth_errbuf err{message.data(), message.size()};
    ASSERT_EQ(lifecycle::create(host_.table(), host_.context(), &instance_, &err), BERTH_OK)
        << message.data();
  }

  expr_ptr compile(std::string_view expression) {
    if (instance_ == nullptr) create();
    berth_filter_expr* out = nullptr;
    std::array<char, 256> message{};
    berth_errbuf err{message.data(), message.size()};
    const berth_status status = adapter::compile(instance_, sdk::abi_str(expression), &out, &err);
    last_error_ = status == BERTH_OK ? "" : message.data();
    return expr_ptr(out);
  }

  int32_t match(const expr_ptr& e, test_message m) { return adapter::match(e.get(), &m.view()); }
  int32_t tag_hash(const expr_ptr& e, std::string_view tag) {
    return adapter::match_tag_hash(e.get(), berth_tag_hash(sdk::abi_str(tag)));
  }

  sdk::testing::fake_host host_;
  berth_instance* instance_ = nullptr;
  std::string last_error_;
};

}  // namespace berth::plugins::filter_sql::test
