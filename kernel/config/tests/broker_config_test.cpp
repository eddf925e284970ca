#include "config/broker_config.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

namespace berth::kernel::config {
namespace {

using namespace std::chrono_literals;

// The documented shape (STYLE.md section D), tables deliberately out of kind order.
constexpr std::string_view kExample = R"([broker]
name = "berth-7"
data_dir = "/var/lib/berth"
log_level = "debug"
shutdown_timeout = "1m30s"

[plugins]
search_path = ["./lib/berth", "/usr/lib/berth", "../shared"]

[[transport]]
id = "plain"
plugin = "tcp"
listen = "127.0.0.1:10911"

[[transport]]
plugin = "tls"
listen = "127.0.0.1:10912"
tls = { certificate = "certs/server.pem", private_key = "certs/server.key" }
on_start_error = "disable"

[[transport]]
plugin = "tcp"
listen = "127.0.0.1:10913"

[store]
plugin = "mmap"
segment_size = "1GiB"

[[filter]]
plugin = "sql"

[[filter]]
plugin = "tag"

[auth]
plugin = "acl"
log_level = "trace"

[[tracer]]
plugin = "topic"
)";

broker_config parse_ok(std::string_view text, const std::filesystem::path& base = "/etc/berth") {
  auto parsed = parse_broker_config(text, "berth.toml", base);
  if (!parsed) {
    for (const config_error& e : parsed.error()) ADD_FAILURE() << e.to_string();
    return {};
  }
  return std::move(parsed).value();
}

TEST(BrokerConfig, ReadsTheKernelTables) {
  const broker_config config = parse_ok(kExample);
  EXPECT_EQ(config.file, "berth.toml");
  EXPECT_EQ(config.broker.name, "berth-7");
  EXPECT_EQ(config.broker.data_dir, "/var/lib/berth");
  EXPECT_EQ(config.broker.log_level, "debug");
  EXPECT_EQ(config.broker.shutdown_timeout, 90s);
}

TEST(BrokerConfig, ResolvesSearchPathAgainstTheConfigDirectory) {
  const broker_config config = parse_ok(kExample);
  EXPECT_EQ(config.plugins.search_path,
            (std::vector<std::filesystem::path>{"/etc/berth/lib/berth", "/usr/lib/berth",
                                                "/etc/shared"}));
}

TEST(BrokerConfig, ListsPluginTablesByKindThenFileOrder) {
  const broker_config config = parse_ok(kExample);
  std::vector<std::string> seen;
  for (const plugin_table& t : config.plugin_tables) {
    seen.push_back(std::string(to_string(t.kind)) + " " + t.path + " " + t.plugin + " " + t.id);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "store store mmap store-mmap",
                      "auth auth acl auth-acl",
                      "filter filter[0] sql filter-sql-1",
                      "filter filter[1] tag filter-tag-1",
                      "tracer tracer[0] topic tracer-topic-1",
                      "transport transport[0] tcp plain",
                      "transport transport[1] tls transport-tls-1",
                      "transport transport[2] tcp transport-tcp-2",
                  }));
}

TEST(BrokerConfig, KeepsReservedKeysAndPositions) {
  const broker_config config = parse_ok(kExample);
  ASSERT_EQ(config.plugin_tables.size(), 8u);
  const plugin_table& auth = config.plugin_tables[1];
  EXPECT_EQ(auth.log_level, "trace");
  EXPECT_EQ(auth.on_start_error, start_error_policy::fail);
  EXPECT_EQ(auth.position.line, 35u);
  EXPECT_EQ(auth.position.column, 1u);
  EXPECT_EQ(auth.plugin_position.line, 36u);
  EXPECT_EQ(auth.plugin_position.column, 10u);

  const plugin_table& tls = config.plugin_tables[6];
  EXPECT_EQ(tls.kind, plugin_kind::transport);
  EXPECT_EQ(tls.log_level, "");  // inherits broker.log_level
  EXPECT_EQ(tls.on_start_error, start_error_policy::disable);
  ASSERT_NE(tls.table, nullptr);
  // The raw table carries the plugin's own keys for the plugin host to validate.
  EXPECT_EQ(tls.table->at_path("tls.certificate").value_or(std::string()), "certs/server.pem");
  EXPECT_EQ(tls.position.line, 15u);
}

TEST(BrokerConfig, TablesOutliveTheFirstCopy) {
  broker_config copy;
  {
    const broker_config config = parse_ok(kExample);
    copy = config;
  }
  ASSERT_EQ(copy.plugin_tables.size(), 8u);
  EXPECT_EQ(copy.plugin_tables[0].table->at_path("segment_size").value_or(std::string()), "1GiB");
}

TEST(BrokerConfig, DefaultsForAMinimalConfig) {
  const broker_config config = parse_ok("[store]\nplugin = \"memory\"\n");
  EXPECT_EQ(config.broker.name, "berth-1");
  EXPECT_EQ(config.broker.data_dir, "./data");
  EXPECT_EQ(config.broker.log_level, "info");
  EXPECT_EQ(config.broker.shutdown_timeout, 10s);
  EXPECT_TRUE(config.plugins.search_path.empty());
  EXPECT_EQ(config.transaction.check_interval, 30s);
  EXPECT_EQ(config.transaction.timeout, 6s);
  EXPECT_EQ(config.transaction.max_checks, 15u);
  ASSERT_EQ(config.plugin_tables.size(), 1u);
  EXPECT_EQ(config.plugin_tables[0].id, "store-memory");
  EXPECT_EQ(config.plugin_tables[0].on_start_error, start_error_policy::fail);
}

TEST(BrokerConfig, ReadsTheTransactionTable) {
  const broker_config config = parse_ok(
      "[transaction]\ncheck_interval = \"500ms\"\ntimeout = \"2s\"\nmax_checks = 3\n"
      "[store]\nplugin = \"memory\"\n");
  EXPECT_EQ(config.transaction.check_interval, 500ms);
  EXPECT_EQ(config.transaction.timeout, 2s);
  EXPECT_EQ(config.transaction.max_checks, 3u);
}

TEST(BrokerConfig, InlineAndEmptyArrayForms) {
  const broker_config config =
      parse_ok("store = { plugin = \"memory\" }\ntransport = []\n"
               "filter = [{ plugin = \"tag\" }, { plugin = \"tag\", id = \"t2\" }]\n");
  ASSERT_EQ(config.plugin_tables.size(), 3u);
  EXPECT_EQ(config.plugin_tables[1].id, "filter-tag-1");
  EXPECT_EQ(config.plugin_tables[2].id, "t2");
}

TEST(BrokerConfig, RelativeSearchPathWithoutBaseDirStaysRelative) {
  const broker_config config =
      parse_ok("[plugins]\nsearch_path = [\"lib\"]\n[store]\nplugin = \"memory\"\n", "");
  EXPECT_EQ(config.plugins.search_path, (std::vector<std::filesystem::path>{"lib"}));
}

TEST(BrokerConfig, KindNames) {
  EXPECT_EQ(to_string(plugin_kind::transport), "transport");
  EXPECT_EQ(to_string(plugin_kind::store), "store");
  EXPECT_EQ(to_string(plugin_kind::filter), "filter");
  EXPECT_EQ(to_string(plugin_kind::auth), "auth");
  EXPECT_EQ(to_string(plugin_kind::tracer), "tracer");
}

class LoadBrokerConfig : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "berth-config-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path write(const std::string& name, std::string_view text) {
    const std::filesystem::path path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(LoadBrokerConfig, ReadsTheFileAndResolvesAgainstItsDirectory) {
  const auto path = write("berth.toml", "[plugins]\nsearch_path = [\"plugins\"]\n"
                                        "[store]\nplugin = \"memory\"\n");
  auto loaded = load_broker_config(path);
  ASSERT_TRUE(loaded) << loaded.error().front().to_string();
  EXPECT_EQ(loaded.value().file, path.string());
  EXPECT_EQ(loaded.value().plugins.search_path,
            (std::vector<std::filesystem::path>{dir_ / "plugins"}));
}

TEST_F(LoadBrokerConfig, ErrorsNameTheFileAsGiven) {
  const auto path = write("berth.toml", "[store]\nplugin = 1\n");
  auto loaded = load_broker_config(path);
  ASSERT_FALSE(loaded);
  ASSERT_EQ(loaded.error().size(), 1u);
  EXPECT_EQ(loaded.error()[0].to_string(),
            path.string() + ":2:10: store.plugin: expected a string, found an integer");
}

TEST_F(LoadBrokerConfig, MissingFile) {
  const auto path = dir_ / "absent.toml";
  auto loaded = load_broker_config(path);
  ASSERT_FALSE(loaded);
  ASSERT_EQ(loaded.error().size(), 1u);
  EXPECT_EQ(loaded.error()[0].to_string(),
            path.string() + ": cannot read: No such file or directory");
}

TEST_F(LoadBrokerConfig, Directory) {
  auto loaded = load_broker_config(dir_);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error()[0].to_string(), dir_.string() + ": cannot read: Is a directory");
}

}  // namespace
}  // namespace berth::kernel::config
