// SIGHUP in a real berthd: the config file is read again, [broker] log_level applies at once,
// what was reloaded is one log line, changes that need a restart are named, and a file that
// no longer parses changes nothing.
#include "broker_fixture.hpp"
#include "wire_client.hpp"

#include <berth/wire/bodies.hpp>

#include <csignal>
#include <thread>

namespace berth::test {
namespace {

using namespace std::chrono_literals;

// The memory store and transport-tcp on a free port (the admin listener too), at `log_level`,
// with `data` as data_dir.
std::string config_text(const temp_dir& dir, const std::string& log_level,
                        const std::string& data = "data") {
  return fmt::format(R"([admin]
listen = "127.0.0.1:0"

[broker]
name = "berth-reload"
data_dir = "{}/{}"
log_level = "{}"
shutdown_timeout = "3s"

[store]
plugin = "memory"

[[transport]]
plugin = "tcp"
listen = "127.0.0.1:0"
)",
                     dir.path().string(), data, log_level);
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Until berthd's log holds `needle` `count` times; false after `timeout`.
bool wait_for_count(child_process& process, const std::string& needle, std::size_t count,
                    std::chrono::milliseconds timeout = 5s) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (occurrences(process.err(), needle) >= count) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

// HELLO on a new connection is answered: the broker serves.
void expect_served(const std::string& endpoint) {
  wire_client client(endpoint);
  wire::hello_request hello;
  hello.client_id = "reload-test";
  hello.client_version = "0";
  const auto answer = client.call(wire::code::hello, hello, 5s);
  ASSERT_TRUE(answer) << "no answer to HELLO";
  EXPECT_EQ(header_of(*answer).status, wire::status::ok);
}

// transport-tcp's connections are logged at debug by the kernel ("connection from ...").
// The kernel's debug line for a connection opening ("<transport>: connection from ... opened");
// the transport's own close line ("] connection from ... closed") of the connection made at
// info may come after the reload, at debug, and must not count.
constexpr const char* debug_line = ": connection from 127.0.0.1:";

TEST(reload, a_new_log_level_applies_and_the_summary_says_so) {
  temp_dir dir;
  running_broker broker(dir, config_text(dir, "info"));
  const std::string endpoint = broker.wait_for_endpoint();
  ASSERT_FALSE(endpoint.empty()) << broker.process().err();
  expect_served(endpoint);  // at info: no debug line for this connection

  dir.write("berth.toml", config_text(dir, "debug"));
  broker.process().signal(SIGHUP);
  ASSERT_TRUE(broker.process().wait_for_output("reloaded: log_level info -> debug", 5s))
      << broker.process().err();
  EXPECT_EQ(broker.process().err().find(debug_line), std::string::npos) << broker.process().err();
  EXPECT_EQ(broker.process().err().find("needs a restart"), std::string::npos)
      << broker.process().err();

  // Kernel modules and plugins without their own log_level follow the new level.
  expect_served(endpoint);
  EXPECT_TRUE(broker.process().wait_for_output(debug_line, 5s)) << broker.process().err();
  broker.process().signal(SIGTERM);
  ASSERT_EQ(broker.process().wait_exit(5s), 0);
  EXPECT_NE(broker.process().err().find("[transport.transport-tcp-1] destroyed"), std::string::npos)
      << broker.process().err();
}

TEST(reload, settings_that_need_a_restart_are_named_and_left_alone) {
  temp_dir dir;
  running_broker broker(dir, config_text(dir, "info"));
  const std::string endpoint = broker.wait_for_endpoint();
  ASSERT_FALSE(endpoint.empty()) << broker.process().err();

  std::string changed = config_text(dir, "info", "elsewhere");
  changed.replace(changed.rfind("127.0.0.1:0"), 11, "127.0.0.1:1");
  dir.write("berth.toml", changed);
  broker.process().signal(SIGHUP);
  ASSERT_TRUE(broker.process().wait_for_output("needs a restart to apply: broker.data_dir, "
                                               "transport[0]",
                                               5s))
      << broker.process().err();
  EXPECT_NE(broker.process().err().find("reloaded: nothing"), std::string::npos)
      << broker.process().err();
  EXPECT_NE(broker.process().err().find(" warning [broker] changed in " +
                                        broker.config_file().string()),
            std::string::npos)
      << broker.process().err();
  expect_served(endpoint);  // still on the port it started with
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "elsewhere"));
  broker.process().signal(SIGTERM);
  EXPECT_EQ(broker.process().wait_exit(5s), 0);
}

TEST(reload, a_file_that_no_longer_parses_changes_nothing) {
  temp_dir dir;
  running_broker broker(dir, config_text(dir, "info"));
  const std::string endpoint = broker.wait_for_endpoint();
  ASSERT_FALSE(endpoint.empty()) << broker.process().err();

  // A typo in a key and a level that does not exist: both are reported.
  std::string broken = config_text(dir, "verbose");
  broken.replace(broken.find("shutdown_timeout"), 16, "shutdown_timout");
  dir.write("berth.toml", broken);
  broker.process().signal(SIGHUP);
  ASSERT_TRUE(broker.process().wait_for_output("reload refused: " +
                                                   broker.config_file().string() +
                                                   " has 2 error(s)",
                                               5s))
      << broker.process().err();
  const std::string log = broker.process().err();
  EXPECT_NE(log.find("broker.shutdown_timout: unknown key (did you mean 'shutdown_timeout'?)"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("broker.log_level:"), std::string::npos) << log;
  EXPECT_EQ(log.find("reloaded:"), std::string::npos) << log;
  expect_served(endpoint);
  EXPECT_EQ(broker.process().err().find(debug_line), std::string::npos) << "level unchanged";

  // Fixed, the next SIGHUP applies it.
  dir.write("berth.toml", config_text(dir, "debug"));
  broker.process().signal(SIGHUP);
  EXPECT_TRUE(broker.process().wait_for_output("reloaded: log_level info -> debug", 5s))
      << broker.process().err();
  broker.process().signal(SIGTERM);
  EXPECT_EQ(broker.process().wait_exit(5s), 0);
}

TEST(reload, going_quieter_still_shows_the_line_that_says_so) {
  temp_dir dir;
  running_broker broker(dir, config_text(dir, "info"));
  ASSERT_FALSE(broker.wait_for_endpoint().empty()) << broker.process().err();
  dir.write("berth.toml", config_text(dir, "warn"));
  broker.process().signal(SIGHUP);
  ASSERT_TRUE(broker.process().wait_for_output("reloaded: log_level info -> warn", 5s))
      << broker.process().err();
  // Back: the line is logged under the more verbose level again.
  dir.write("berth.toml", config_text(dir, "info"));
  broker.process().signal(SIGHUP);
  EXPECT_TRUE(wait_for_count(broker.process(), "reloaded: log_level warn -> info", 1))
      << broker.process().err();
  // At warn, the info line "received SIGHUP" of the second reload was not logged.
  EXPECT_EQ(occurrences(broker.process().err(), "received SIGHUP"), 1u) << broker.process().err();
  broker.process().signal(SIGTERM);
  EXPECT_EQ(broker.process().wait_exit(5s), 0);
}

}  // namespace
}  // namespace berth::test
