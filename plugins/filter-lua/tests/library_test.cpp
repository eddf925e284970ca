// The built libberth-filter-lua.so as berthd sees it: loaded and checked by the kernel's
// plugin host, configured from TOML through its own schema, driven through the filter ABI.
#include "plugin_host/filter_calls.hpp"
#include "plugin_host/instance.hpp"
#include "plugin_host/library.hpp"
#include "plugin_host/testing_instance.hpp"

#include <berth/abi/berth_filter.h>

#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace berth::plugins::filter_lua::test {
namespace {

namespace host = kernel::plugin_host;

class library_test : public ::testing::Test {
 protected:
  static const berth_filter_ops& ops(const host::instance_ptr& instance) {
    return instance->ops<berth_filter_ops>();
  }

  // Compile `text`; on failure returns nullptr and leaves the message in error_.
  berth_filter_expr* compile(const host::instance_ptr& instance, std::string_view text) {
    berth_filter_expr* expr = nullptr;
    error_.fill('\0');
    berth_errbuf err{error_.data(), error_.size()};
    status_ = ops(instance).compile(instance->handle(), berth_str{text.data(), text.size()}, &expr, &err);
    return expr;
  }

  static berth_message_view tagged(std::string_view tag) {
    berth_message_view view{};
    view.struct_size = sizeof view;
    view.topic = berth_str{"orders", 6};
    view.tags = berth_str{tag.data(), tag.size()};
    view.tag_hash = berth_tag_hash(view.tags);
    return view;
  }

  host::test_plugin plugin_{BERTH_FILTER_LUA_LIBRARY, "filter-lua-1"};
  const host::library_ptr& library_ = plugin_.library();  // null when refused
  std::array<char, 512> error_{};
  berth_status status_ = BERTH_OK;
};

TEST_F(library_test, loads_as_the_lua_filter_with_the_whole_filter_table) {
  ASSERT_TRUE(library_) << plugin_.load_error();
  EXPECT_EQ(library_->name(), "lua");
  EXPECT_EQ(library_->kind(), kernel::config::plugin_kind::filter);
  const auto* table = static_cast<const berth_filter_ops*>(library_->descriptor().ops);
  EXPECT_TRUE(BERTH_HAS_FIELD(table, berth_filter_ops, match_tag_hash));
}

TEST_F(library_test, compiles_and_matches_through_the_abi_with_defaults) {
  auto instance = plugin_.create();
  ASSERT_TRUE(instance) << instance.error().message;
  berth_filter_expr* expr =
      compile(instance.value(), "return function(m) return m.tag == 'red' end");
  ASSERT_NE(expr, nullptr) << error_.data();
  const berth_message_view red = tagged("red");
  const berth_message_view blue = tagged("blue");
  EXPECT_EQ(ops(instance.value()).match(expr, &red), 1);
  EXPECT_EQ(ops(instance.value()).match(expr, &blue), 0);
  // No tag-hash verdict: a script can look at anything.
  EXPECT_EQ(host::tag_hash_verdict(&ops(instance.value()), expr, red.tag_hash), -1);
  ops(instance.value()).release(expr);
}

TEST_F(library_test, a_compile_error_reaches_the_host_with_its_column) {
  auto instance = plugin_.create();
  ASSERT_TRUE(instance) << instance.error().message;
  EXPECT_EQ(compile(instance.value(), "return function(m)\nreturn +\nend"), nullptr);
  EXPECT_EQ(status_, BERTH_E_INVALID);
  EXPECT_STREQ(error_.data(), "col 20: line 2: unexpected symbol near '+'");
}

TEST_F(library_test, a_runaway_script_is_no_match_and_counted_in_the_metrics) {
  auto instance = plugin_.create("instruction_limit = 1000\nmemory_limit = \"256KiB\"");
  ASSERT_TRUE(instance) << instance.error().message;
  berth_filter_expr* expr = compile(
      instance.value(), "return function(m) if m.tag == 'loop' then while true do end end return true end");
  ASSERT_NE(expr, nullptr) << error_.data();
  const berth_message_view loop = tagged("loop");
  const berth_message_view ok = tagged("ok");
  EXPECT_EQ(ops(instance.value()).match(expr, &loop), 0);
  EXPECT_EQ(ops(instance.value()).match(expr, &ok), 1);
  ops(instance.value()).release(expr);
  const std::string text = plugin_.services().metrics.serialize();
  EXPECT_NE(text.find("berth_lua_filter_errors_total{instance=\"filter-lua-1\",kind=\"filter\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("berth_lua_filter_instruction_limit_errors_total{instance=\"filter-lua-1\","
                      "kind=\"filter\"} 1"),
            std::string::npos);
}

TEST_F(library_test, the_schema_bounds_the_budgets) {
  ASSERT_TRUE(library_) << plugin_.load_error();
  auto refused = plugin_.create("instruction_limit = 999");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("instruction_limit"), std::string::npos)
      << refused.error().message;
  refused = plugin_.create("memory_limit = \"32KiB\"");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("memory_limit"), std::string::npos);
  EXPECT_TRUE(plugin_.create("instruction_limit = 1000\nmemory_limit = \"64KiB\"\n"
                             "max_script_bytes = \"1KiB\"\nerror_log_interval = \"1s\"\n"
                             "allow_client_scripts = false"));
}

TEST_F(library_test, a_broken_named_script_fails_creation_with_its_file) {
  ASSERT_TRUE(library_) << plugin_.load_error();
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("berth-filter-lua-lib-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "bad.lua") << "return 1";
  auto refused = plugin_.create("script_dir = \"" + dir.string() + "\"");
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("named script '" + (dir / "bad.lua").string() +
                                         "': col 1: the script must return a function(msg)"),
            std::string::npos)
      << refused.error().message;
}

}  // namespace
}  // namespace berth::plugins::filter_lua::test
