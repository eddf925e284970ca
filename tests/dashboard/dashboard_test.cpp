// berthd's admin dashboard (kernel/admin/web) in a real headless Chromium: each test starts a
// broker (memory store, transport-tcp, the admin listener on any loopback port), creates a
// topic and sends messages with berthctl, then runs dashboard.js with node. The script loads
// the page in Debian's chromium through playwright-core, waits until the topics table shows the
// messages, saves a screenshot, and exits 0 only if the page logged no console error, threw
// nothing and no request failed.
#include "broker_fixture.hpp"
#include "process.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace berth::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kTcpTransport = "transport-tcp-1";
// Past dashboard.js's own wait (30 s by default), which fails with a better message.
constexpr auto kScriptTimeout = 60s;

// The end of `text`: at most `max_bytes`, from a line start.
std::string tail(const std::string& text, size_t max_bytes = 16 * 1024) {
  if (text.size() <= max_bytes) return text;
  const auto from = text.find('\n', text.size() - max_bytes);
  return "[...]\n" + text.substr(from == std::string::npos ? text.size() - max_bytes : from + 1);
}

class dashboard : public ::testing::Test {
 protected:
  // Start berthd (memory_broker_config: transport-tcp and the admin listener on any loopback
  // port) with `tables`; wait until both listen.
  void start(const std::string& tables = "") {
    broker_ = std::make_unique<running_broker>(dir_, memory_broker_config(dir_, tables));
    tcp_ = broker_->wait_for_endpoint_of(kTcpTransport);
    ASSERT_FALSE(tcp_.empty()) << broker_->process().err();
    admin_ = broker_->wait_for_admin_endpoint();
    ASSERT_FALSE(admin_.empty()) << tail(broker_->process().err());
  }

  void TearDown() override {
    if (!broker_) return;
    broker_->process().signal(SIGTERM);
    EXPECT_EQ(broker_->process().wait_exit(10s), 0) << tail(broker_->process().err());
  }

  // berthctl over tcp with `signing` (--access-key ... --secret-key ...) when the broker has
  // [auth]; expects exit code 0.
  void berthctl(std::vector<std::string> args, const std::vector<std::string>& signing = {}) {
    if (HasFatalFailure()) return;
    std::vector<std::string> argv{BERTHCTL_PATH, "--server", tcp_, "--timeout", "5s"};
    argv.insert(argv.end(), signing.begin(), signing.end());
    argv.insert(argv.end(), args.begin(), args.end());
    const run_result r = run(argv, dir_.path());
    ASSERT_EQ(r.exit_code, 0) << "berthctl " << fmt::format("{}", fmt::join(args, " ")) << ": "
                              << r.err;
  }

  // Run dashboard.js against the admin listener and expect exit code 0. The screenshot is kept
  // in the build tree under the test's name.
  void check_dashboard(const std::string& topic, int messages, environment env = {}) {
    if (HasFatalFailure()) return;
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    const auto screenshot = std::filesystem::path(BERTH_DASHBOARD_ARTIFACT_DIR) /
                            fmt::format("dashboard-{}.png", test->name());
    env.emplace_back("NODE_PATH", BERTH_PLAYWRIGHT_NODE_MODULES);
    env.emplace_back("BERTH_CHROMIUM", BERTH_CHROMIUM_PATH);
    // Chromium writes caches and crash reports under $HOME: keep them in the test's directory.
    env.emplace_back("HOME", dir_.path().string());
    const run_result r = run({BERTH_NODE_PATH, BERTH_DASHBOARD_SCRIPT, "http://" + admin_ + "/",
                              topic, std::to_string(messages), screenshot.string()},
                             dir_.path(), env, kScriptTimeout);
    std::cout << "dashboard screenshot: " << screenshot.string() << "\n";
    RecordProperty("screenshot", screenshot.string());
    EXPECT_EQ(r.exit_code, 0) << "node dashboard.js exited with " << r.exit_code
                              << (r.exit_code == -1 ? " (killed: it ran past its hard timeout)" : "")
                              << "\n--- its stdout ---\n"
                              << r.out << "\n--- its stderr ---\n"
                              << tail(r.err) << "\n--- berthd's stderr ---\n"
                              << tail(broker_->process().err());
  }

  temp_dir dir_;
  std::unique_ptr<running_broker> broker_;
  std::string tcp_;
  std::string admin_;
};

TEST_F(dashboard, shows_the_messages_of_a_topic) {
  start();
  berthctl({"topic", "create", "dashboard-orders", "--queues", "4"});
  berthctl({"send", "--topic", "dashboard-orders", "--count", "25", "--key", "order-1", "--body",
            "hello dashboard"});
  check_dashboard("dashboard-orders", 25);
}

// With [auth], the page and the API need HTTP Basic credentials of an admin account; the
// browser sends them with every request, the page's fetches included.
TEST_F(dashboard, signs_in_with_an_admin_account) {
  const auto accounts = dir_.write("acl-accounts.toml", R"(
[[accounts]]
access_key = "dashboard-admin"
secret_key = "dashboard-admin-secret-01"
admin = true
topics = { "*" = "PUB|SUB" }
groups = { "*" = "PUB|SUB" }
)");
  std::filesystem::permissions(accounts, std::filesystem::perms::owner_read |
                                             std::filesystem::perms::owner_write);
  start(fmt::format("[auth]\nplugin = \"acl\"\naccounts = \"{}\"\n", accounts.string()));
  const std::vector<std::string> signing{"--access-key", "dashboard-admin", "--secret-key",
                                         "dashboard-admin-secret-01"};
  berthctl({"topic", "create", "guarded-orders", "--queues", "2"}, signing);
  berthctl({"send", "--topic", "guarded-orders", "--count", "7", "--body", "secret"}, signing);
  check_dashboard("guarded-orders", 7,
                  {{"BERTH_ADMIN_USER", "dashboard-admin"},
                   {"BERTH_ADMIN_PASSWORD", "dashboard-admin-secret-01"}});
}

}  // namespace
}  // namespace berth::test
