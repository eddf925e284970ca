// berthd as an operator runs it: starts with plugins, answers, and stops cleanly on a signal.
#include "broker_fixture.hpp"

#include <csignal>

namespace berth::test {
namespace {

using namespace std::chrono_literals;

class lifecycle : public ::testing::TestWithParam<int> {};

TEST_P(lifecycle, starts_answers_and_exits_zero_within_5s_of_the_signal) {
  temp_dir dir;
  running_broker broker(dir, ping_broker_config(dir, "lifecycle-broker"));
  const std::string endpoint = broker.wait_for_endpoint();
  ASSERT_FALSE(endpoint.empty()) << broker.process().err();

  // Answers through the plugin, with the broker name the host gave it.
  EXPECT_EQ(request_line(endpoint, "PING", 5s), "PONG lifecycle-broker");
  EXPECT_EQ(request_line(endpoint, "HELLO", 5s), "ERROR unknown command");

  broker.process().signal(GetParam());
  const auto started = std::chrono::steady_clock::now();
  const auto code = broker.process().wait_exit(5s);
  ASSERT_TRUE(code.has_value()) << "berthd did not exit within 5 s of the signal";
  EXPECT_EQ(*code, 0) << broker.process().err();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  const std::string err = broker.process().err();
  EXPECT_NE(err.find("transport 'transport-ping-1' stopped"), std::string::npos) << err;
  EXPECT_NE(err.find("berthd 'lifecycle-broker' stopped"), std::string::npos) << err;
  // The port is closed once berthd is gone.
  EXPECT_EQ(request_line(endpoint, "PING", 1s), std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(signals, lifecycle, ::testing::Values(SIGTERM, SIGINT),
                         [](const auto& param) { return param.param == SIGTERM ? "sigterm" : "sigint"; });

TEST(lifecycle_lock, second_broker_on_the_same_data_dir_is_refused) {
  temp_dir dir;
  running_broker first(dir, ping_broker_config(dir));
  ASSERT_FALSE(first.wait_for_endpoint().empty()) << first.process().err();

  temp_dir other;
  const auto config = other.write("berth.toml", ping_broker_config(dir));
  const auto second = run({berthd_path().string(), "--config", config.string()}, other.path());
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("is in use by another berthd (pid " +
                            std::to_string(first.process().pid()) + ")"),
            std::string::npos)
      << second.err;
  // The first broker is unharmed.
  EXPECT_EQ(request_line(first.wait_for_endpoint(), "PING", 5s), "PONG berth-test");
  first.process().signal(SIGTERM);
  EXPECT_EQ(first.process().wait_exit(5s), 0);
}

TEST(lifecycle_start, transport_that_cannot_bind_stops_everything) {
  temp_dir dir;
  running_broker first(dir, ping_broker_config(dir));
  const std::string taken = first.wait_for_endpoint();
  ASSERT_FALSE(taken.empty());

  temp_dir other;
  std::string text = ping_broker_config(other);
  text.replace(text.rfind("127.0.0.1:0"), 11, taken);
  const auto config = other.write("berth.toml", text);
  const auto second = run({berthd_path().string(), "--config", config.string()}, other.path());
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("berthd: transport 'transport-ping-1'"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("failed to start: cannot listen on " + taken + ": Address already in use"),
            std::string::npos)
      << second.err;
  first.process().signal(SIGTERM);
  EXPECT_EQ(first.process().wait_exit(5s), 0);
}

TEST(lifecycle_start, on_start_error_disable_keeps_the_broker_running) {
  temp_dir dir;
  running_broker first(dir, ping_broker_config(dir));
  const std::string taken = first.wait_for_endpoint();
  ASSERT_FALSE(taken.empty());

  temp_dir other;
  std::string text = ping_broker_config(other) + R"(
[[transport]]
plugin = "ping"
listen = ")" + taken + R"("
on_start_error = "disable"
)";
  running_broker second(other, text);
  ASSERT_TRUE(second.process().wait_for_output("started:", 10s)) << second.process().err();
  EXPECT_NE(second.process().err().find("(disabled: on_start_error = \"disable\")"), std::string::npos);
  second.process().signal(SIGTERM);
  EXPECT_EQ(second.process().wait_exit(5s), 0);
  first.process().signal(SIGTERM);
  EXPECT_EQ(first.process().wait_exit(5s), 0);
}

TEST(lifecycle_reload, sighup_reloads_and_the_broker_keeps_serving) {
  temp_dir dir;
  running_broker broker(dir, ping_broker_config(dir));
  const std::string endpoint = broker.wait_for_endpoint();
  ASSERT_FALSE(endpoint.empty()) << broker.process().err();
  broker.process().signal(SIGHUP);
  // The ping transport and the memory store have nothing to re-read, the file is unchanged.
  ASSERT_TRUE(broker.process().wait_for_output("reloaded: nothing", 5s))
      << broker.process().err();
  EXPECT_EQ(request_line(endpoint, "PING", 5s), "PONG berth-test");
  broker.process().signal(SIGTERM);
  EXPECT_EQ(broker.process().wait_exit(5s), 0);
}

}  // namespace
}  // namespace berth::test
