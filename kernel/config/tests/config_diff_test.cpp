// changed_settings: what SIGHUP names as "needs a restart".
#include "config/config_diff.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace berth::kernel::config {
namespace {

using names = std::vector<std::string>;

constexpr std::string_view kBase = R"([broker]
name = "berth-1"
data_dir = "./data"
log_level = "info"

[store]
plugin = "memory"

[[transport]]
plugin = "tcp"
listen = "127.0.0.1:10911"

[[transport]]
plugin = "tls"
listen = "127.0.0.1:10912"
tls = { certificate = "a.pem", private_key = "a.key" }
)";

broker_config parsed(std::string_view text) {
  auto config = parse_broker_config(text, "berth.toml", "/etc/berth");
  EXPECT_TRUE(config) << (config ? "" : config.error().front().to_string());
  return std::move(config).value();
}

std::string replaced(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(config_diff, the_same_file_differs_in_nothing) {
  EXPECT_EQ(changed_settings(parsed(kBase), parsed(kBase)), names{});
}

TEST(config_diff, spelling_comments_and_order_do_not_count) {
  const std::string respelled = R"(# comments are not settings
[[transport]]
listen = '127.0.0.1:10911'
plugin = "tcp"

[[transport]]
plugin = "tls"
listen = "127.0.0.1:10912"
[transport.tls]
private_key = "a.key"
certificate = "a.pem"

[store]
plugin = "memory"

[broker]
log_level = "info"
data_dir = "./data"   # moved
name = "berth-1"
)";
  EXPECT_EQ(changed_settings(parsed(kBase), parsed(respelled)), names{});
}

TEST(config_diff, names_the_keys_of_single_tables) {
  std::string changed = replaced(std::string(kBase), "./data", "/var/lib/berth");
  changed = replaced(changed, R"(log_level = "info")", R"(log_level = "debug")");
  EXPECT_EQ(changed_settings(parsed(kBase), parsed(changed)),
            (names{"broker.data_dir", "broker.log_level"}));
}

TEST(config_diff, names_the_element_of_an_array_of_tables) {
  const std::string changed = replaced(std::string(kBase), "a.pem", "b.pem");
  EXPECT_EQ(changed_settings(parsed(kBase), parsed(changed)), names{"transport[1]"});
}

TEST(config_diff, names_added_and_removed_tables) {
  const std::string added = std::string(kBase) + R"(
[[transport]]
plugin = "tcp"
listen = "127.0.0.1:10913"

[auth]
plugin = "acl"
)";
  EXPECT_EQ(changed_settings(parsed(kBase), parsed(added)), (names{"auth", "transport[2]"}));
  EXPECT_EQ(changed_settings(parsed(added), parsed(kBase)), (names{"auth", "transport[2]"}));
}

TEST(config_diff, a_key_written_out_counts_even_at_its_default) {
  const std::string explicit_default =
      replaced(std::string(kBase), "[store]\n", "[store]\non_start_error = \"fail\"\n");
  EXPECT_EQ(changed_settings(parsed(kBase), parsed(explicit_default)), names{"store.on_start_error"});
}

}  // namespace
}  // namespace berth::kernel::config
