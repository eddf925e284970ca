// berthd's informational commands, run as a user would.
#include "broker_fixture.hpp"

namespace berth::test {
namespace {

TEST(cli, version_names_the_abi) {
  temp_dir dir;
  const auto r = run({berthd_path().string(), "--version"}, dir.path());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, fmt::format("berthd 0.1.0 (plugin ABI {}.{})\n", BERTH_ABI_MAJOR, BERTH_ABI_MINOR));
}

TEST(cli, check_config_prints_the_composed_broker_and_starts_nothing) {
  temp_dir dir;
  const auto config = dir.write("berth.toml", ping_broker_config(dir));
  const auto r = run({berthd_path().string(), "--check-config", config.string()}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(config.string() + ": OK"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("store     store-memory             plugin=memory version="), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(fmt::format(" abi={}.{} file=", BERTH_ABI_MAJOR, BERTH_ABI_MINOR)),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("transport transport-ping-1         plugin=ping version=1.0.0"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("libberth-transport-ping.so"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "data")) << "--check-config must start nothing";
}

TEST(cli, check_config_reports_errors_with_location) {
  temp_dir dir;
  std::string text = ping_broker_config(dir);
  text += "lisen = \"x\"\n";
  const auto config = dir.write("berth.toml", text);
  const auto r = run({berthd_path().string(), "--check-config", config.string()}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "berthd: " + config.string() +
                       ":18:1: transport[0].lisen: unknown key (did you mean 'listen'?)\n");
}

TEST(cli, describe_plugin_lists_keys_types_defaults_and_help) {
  temp_dir dir;
  const auto config = dir.write("berth.toml", ping_broker_config(dir));
  const auto r = run({berthd_path().string(), "--config", config.string(), "--describe-plugin",
                      "transport", "ping"},
                     dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("transport 'ping' version 1.0.0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("listen"), std::string::npos);
  EXPECT_NE(r.out.find("required"), std::string::npos);
  EXPECT_NE(r.out.find("default \"PONG\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("on_start_error"), std::string::npos) << r.out;
}

TEST(cli, describe_unknown_plugin_suggests_a_near_name) {
  temp_dir dir;
  const auto config = dir.write("berth.toml", ping_broker_config(dir));
  const auto r = run({berthd_path().string(), "--config", config.string(), "--describe-plugin",
                      "transport", "pong"},
                     dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no transport plugin 'pong'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(did you mean 'ping'?)"), std::string::npos) << r.err;
}

TEST(cli, list_plugins_shows_built_plugins) {
  temp_dir dir;
  const auto r = run({berthd_path().string(), "--list-plugins"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("store     memory"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find((plugin_dir() / "libberth-store-memory.so").string()), std::string::npos) << r.out;
}

TEST(cli, runs_the_built_in_default_config) {
  temp_dir dir;
  child_process broker({berthd_path().string()}, dir.path(), dir.path());
  ASSERT_TRUE(broker.wait_for_output("started:", std::chrono::seconds(10))) << broker.err();
  EXPECT_NE(broker.err().find("berthd 'berth-1' started: data_dir=./data"), std::string::npos) << broker.err();
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "data" / "lock"));
  broker.signal(SIGTERM);
  EXPECT_EQ(broker.wait_exit(std::chrono::seconds(5)), 0);
}

TEST(cli, unknown_option_is_a_usage_error) {
  temp_dir dir;
  const auto r = run({berthd_path().string(), "--frobnicate"}, dir.path());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--frobnicate"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace berth::test
