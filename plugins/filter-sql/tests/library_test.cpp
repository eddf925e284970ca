// The built libberth-filter-sql.so as berthd sees it: loaded and checked by the kernel's plugin
// host, configured from TOML through its own schema, compiling and matching through its ops.
#include "plugin_host/instance.hpp"
#include "plugin_host/library.hpp"
#include "plugin_host/testing_instance.hpp"

#include <berth/abi/berth_filter.h>

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace berth::plugins::filter_sql::test {
namespace {

namespace host = kernel::plugin_host;

class library_test : public ::testing::Test {
 protected:
  static const berth_filter_ops& ops(const host::instance_ptr& instance) {
    return instance->ops<berth_filter_ops>();
  }

  // Compiles through the ABI; returns the expression, or null with the message in `error`.
  berth_filter_expr* compile(const host::instance_ptr& instance, const std::string& text,
                             std::string& error) {
    berth_filter_expr* out = nullptr;
    std::array<char, 256> message{};
    berth_errbuf err{message.data(), message.size()};
    const berth_status status =
        ops(instance).compile(instance->handle(), berth_str{text.data(), text.size()}, &out, &err);
    error = status == BERTH_OK ? "" : message.data();
    return out;
  }

  host::test_plugin plugin_{BERTH_FILTER_SQL_LIBRARY, "filter-sql-1"};
  const host::library_ptr& library_ = plugin_.library();  // null when refused
};

berth_message_view message_with(const std::vector<berth_property>& properties, std::string_view tag) {
  berth_message_view view{};
  view.struct_size = sizeof view;
  view.topic = berth_str{"orders", 6};
  view.tags = berth_str{tag.data(), tag.size()};
  view.tag_hash = berth_tag_hash(view.tags);
  view.properties = properties.data();
  view.property_count = static_cast<uint32_t>(properties.size());
  return view;
}

TEST_F(library_test, loads_as_the_sql_filter_with_the_tag_hash_fast_path) {
  ASSERT_TRUE(library_) << plugin_.load_error();
  EXPECT_EQ(library_->name(), "sql");
  EXPECT_EQ(library_->kind(), kernel::config::plugin_kind::filter);
  const auto* table = static_cast<const berth_filter_ops*>(library_->descriptor().ops);
  EXPECT_TRUE(BERTH_HAS_FIELD(table, berth_filter_ops, match_tag_hash));
}

TEST_F(library_test, an_empty_table_gets_the_documented_defaults) {
  auto instance = plugin_.create();
  ASSERT_TRUE(instance) << instance.error().message;
  std::string error;
  // max_expression_bytes = "4KiB"
  const std::string longest = "a = '" + std::string(4096 - 6, 'x') + "'";
  berth_filter_expr* fits = compile(instance.value(), longest, error);
  EXPECT_NE(fits, nullptr) << error;
  ops(instance.value()).release(fits);
  EXPECT_EQ(compile(instance.value(), longest + " ", error), nullptr);
  EXPECT_EQ(error, "col 4097: expression is longer than max_expression_bytes (4096)");
  // max_depth = 32: 30 parentheses around a = 1 (depth 2) fit, 31 do not.
  const auto nested = [](int n) { return std::string(size_t(n), '(') + "a = 1" + std::string(size_t(n), ')'); };
  berth_filter_expr* deep = compile(instance.value(), nested(30), error);
  EXPECT_NE(deep, nullptr) << error;
  ops(instance.value()).release(deep);
  EXPECT_EQ(compile(instance.value(), nested(31), error), nullptr);
  EXPECT_EQ(error, "col 1: expression nested deeper than max_depth (32)");
}

TEST_F(library_test, the_schema_bounds_the_limits) {
  ASSERT_TRUE(library_) << plugin_.load_error();
  EXPECT_FALSE(plugin_.create("max_depth = 0"));
  EXPECT_FALSE(plugin_.create("max_depth = 257"));
  EXPECT_FALSE(plugin_.create("max_expression_bytes = \"2MiB\""));
  EXPECT_FALSE(plugin_.create("max_bytes = 1"));  // unknown key
  auto instance = plugin_.create("max_depth = 3\nmax_expression_bytes = \"16B\"");
  ASSERT_TRUE(instance) << instance.error().message;
  std::string error;
  EXPECT_EQ(compile(instance.value(), "((a = 1))", error), nullptr);
  EXPECT_EQ(error, "col 1: expression nested deeper than max_depth (3)");
}

TEST_F(library_test, compiles_with_columns_and_matches_through_the_ops) {
  auto instance = plugin_.create();
  ASSERT_TRUE(instance) << instance.error().message;
  const berth_filter_ops& filter = ops(instance.value());
  std::string error;
  EXPECT_EQ(compile(instance.value(), "a > 1 AND b > 'x'", error), nullptr);
  EXPECT_EQ(error, "col 15: '>' cannot compare the string 'x'");

  berth_filter_expr* e = compile(instance.value(), "TAGS = 'paid' AND amount >= 100", error);
  ASSERT_NE(e, nullptr) << error;
  const std::vector<berth_property> big{{berth_str{"amount", 6}, berth_str{"250", 3}}};
  const std::vector<berth_property> small{{berth_str{"amount", 6}, berth_str{"20", 2}}};
  const std::vector<berth_property> bad{{berth_str{"amount", 6}, berth_str{"lots", 4}}};
  const berth_message_view paid_big = message_with(big, "paid");
  const berth_message_view paid_small = message_with(small, "paid");
  const berth_message_view paid_bad = message_with(bad, "paid");
  const berth_message_view open_big = message_with(big, "open");
  EXPECT_EQ(filter.match(e, &paid_big), 1);
  EXPECT_EQ(filter.match(e, &paid_small), 0);
  EXPECT_EQ(filter.match(e, &paid_bad), 0);
  EXPECT_EQ(filter.match(e, &open_big), 0);
  EXPECT_EQ(filter.match_tag_hash(e, paid_big.tag_hash), -1);
  filter.release(e);

  const std::string exposition = plugin_.services().metrics.serialize();
  EXPECT_NE(exposition.find("berth_sql_filter_evaluations_total"), std::string::npos);
  EXPECT_NE(exposition.find("berth_sql_filter_errors_total"), std::string::npos);
}

}  // namespace
}  // namespace berth::plugins::filter_sql::test
