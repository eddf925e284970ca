// The official RocketMQ 5 Node.js client (rocketmq-client-nodejs, pinned by
// tests/compat/package-lock.json) against a real berthd serving transport-grpc. Each test starts
// a broker (memory store; tcp and grpc transports on loopback ports), creates its topics with
// berthctl over tcp, and runs one scenario of tests/compat/scenarios with node: the script does
// the checks and exits 0 when they all held.
#include "broker_fixture.hpp"
#include "process.hpp"
#include "test_pki.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace berth::test {
namespace {

using namespace std::chrono_literals;

// The ids berthd gives [[transport]] tables without one: <kind>-<plugin>-<n>
// (docs/configuration.md).
constexpr const char* kTcpTransport = "transport-tcp-1";
constexpr const char* kGrpcTransport = "transport-grpc-1";

// Longer than any scenario's own hard timeout (at most 80 s), which fails with a better message.
constexpr auto kScenarioTimeout = 100s;

// memory_broker_config (store-memory, transport-tcp) with transport-grpc (and `grpc_keys` in
// its table), the SQL92 filter and `tables`.
std::string compat_broker_config(const temp_dir& dir, const std::string& grpc_keys,
                                 const std::string& tables) {
  return memory_broker_config(dir, fmt::format(R"([[transport]]
plugin = "grpc"
listen = "127.0.0.1:0"
{}
[[filter]]
plugin = "sql"

{})",
                                               grpc_keys, tables));
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The end of `text`: at most `max_bytes`, from a line start.
std::string tail(const std::string& text, size_t max_bytes = 16 * 1024) {
  if (text.size() <= max_bytes) return text;
  const auto from = text.find('\n', text.size() - max_bytes);
  return "[...]\n" + text.substr(from == std::string::npos ? text.size() - max_bytes : from + 1);
}

class compat : public ::testing::Test {
 protected:
  // Start berthd with compat_broker_config and wait until both transports listen.
  void start(const std::string& tables = "", const std::string& grpc_keys = "") {
    broker_ =
        std::make_unique<running_broker>(dir_, compat_broker_config(dir_, grpc_keys, tables));
    tcp_ = broker_->wait_for_endpoint_of(kTcpTransport);
    grpc_ = broker_->wait_for_endpoint_of(kGrpcTransport);
    ASSERT_FALSE(tcp_.empty()) << broker_->process().err();
    ASSERT_FALSE(grpc_.empty()) << broker_->process().err();
  }

  void TearDown() override {
    if (!broker_) return;
    broker_->process().signal(SIGTERM);
    EXPECT_EQ(broker_->process().wait_exit(10s), 0) << tail(broker_->process().err());
  }

  // `berthctl topic create NAME --queues 4` over tcp, with `signing` (--access-key ...
  // --secret-key ...) when the broker has [auth].
  void create_topic(const std::string& name, const std::vector<std::string>& signing = {}) {
    if (HasFatalFailure()) return;
    std::vector<std::string> argv{BERTHCTL_PATH, "--server", tcp_, "--timeout", "5s"};
    argv.insert(argv.end(), signing.begin(), signing.end());
    argv.insert(argv.end(), {"topic", "create", name, "--queues", "4"});
    const run_result r = run(argv, dir_.path());
    ASSERT_EQ(r.exit_code, 0) << "berthctl topic create " << name << ": " << r.err;
  }

  // Run scenarios/<name>.js with `env` plus BERTH_GRPC_ENDPOINT, NODE_PATH (the installed
  // client) and HOME (the test's directory: the client logs to $HOME/logs/rocketmq); expect
  // exit code 0 and the scenario's JSON summary on stdout.
  void run_scenario(const std::string& name, environment env) {
    if (HasFatalFailure()) return;
    env.emplace_back("BERTH_GRPC_ENDPOINT", grpc_);
    env.emplace_back("NODE_PATH", BERTH_RMQ_NODE_MODULES);
    env.emplace_back("HOME", dir_.path().string());
    const auto script = std::filesystem::path(BERTH_COMPAT_SCENARIOS_DIR) / (name + ".js");
    const run_result r =
        run({BERTH_NODE_PATH, script.string()}, dir_.path(), env, kScenarioTimeout);
    const std::string summary_start = fmt::format(R"({{"scenario":"{}","ok":true)", name);
    const auto at = r.out.find(summary_start);
    if (r.exit_code == 0 && at != std::string::npos) {
      RecordProperty("summary", r.out.substr(at, r.out.find('\n', at) - at));
      return;
    }
    const auto client_log = dir_.path() / "logs" / "rocketmq" / "rocketmq_client_nodejs.log";
    ADD_FAILURE() << "node " << script.string() << " exited with " << r.exit_code
                  << (r.exit_code == -1 ? " (killed: it ran past its hard timeout)" : "")
                  << (r.exit_code == 0 ? " but printed no summary" : "") << "\n--- its stdout ---\n"
                  << r.out << "\n--- its stderr ---\n"
                  << tail(r.err) << "\n--- the client's log (" << client_log.string() << ") ---\n"
                  << tail(read_file(client_log)) << "\n--- berthd's stderr ---\n"
                  << tail(broker_->process().err());
  }

  temp_dir dir_;
  std::unique_ptr<running_broker> broker_;
  std::string tcp_;
  std::string grpc_;
};

TEST_F(compat, send_receive) {
  start();
  create_topic("normal");
  run_scenario("send_receive", {{"BERTH_TOPIC", "normal"}});
}

TEST_F(compat, change_invisible) {
  start();
  create_topic("invisible");
  run_scenario("change_invisible", {{"BERTH_TOPIC", "invisible"}});
}

TEST_F(compat, push_consumer) {
  // A push consumer's shutdown waits for its receives in flight: short long polls end it soon.
  start("", R"(long_polling_timeout = "3s")");
  create_topic("pushed");
  create_topic("pushed-retried");
  run_scenario("push_consumer",
               {{"BERTH_TOPIC", "pushed"}, {"BERTH_RETRY_TOPIC", "pushed-retried"}});
}

// transport-grpc delivers each message group in order to the groups its fifo_groups names.
TEST_F(compat, fifo) {
  start("", R"(fifo_groups = ["ordered-readers"])");
  create_topic("ordered");
  run_scenario("fifo", {{"BERTH_FIFO_TOPIC", "ordered"}, {"BERTH_FIFO_GROUP", "ordered-readers"}});
}

// A FIFO push consumer gives up on a message after max_delivery_attempts and forwards it to
// the dead-letter queue; it is then in %DLQ%<group> and the group goes on.
TEST_F(compat, dead_letter) {
  start("", R"(fifo_groups = ["strict-readers"]
max_delivery_attempts = 2
long_polling_timeout = "3s")");
  create_topic("strict");
  run_scenario("dead_letter",
               {{"BERTH_FIFO_TOPIC", "strict"}, {"BERTH_FIFO_GROUP", "strict-readers"}});
  if (HasFailure()) return;
  const run_result letters = run({BERTHCTL_PATH, "--server", tcp_, "--output", "json", "dlq",
                                  "list", "strict-readers"},
                                 dir_.path());
  ASSERT_EQ(letters.exit_code, 0) << letters.err;
  EXPECT_NE(letters.out.find("poison"), std::string::npos) << letters.out;
  EXPECT_EQ(letters.out.find("after"), std::string::npos) << letters.out;
}

TEST_F(compat, delay) {
  start();
  create_topic("delayed");
  run_scenario("delay", {{"BERTH_TOPIC", "delayed"}});
}

// Check-back soon after a half message is stored (the defaults are 30 s and 6 s).
TEST_F(compat, transaction) {
  start(R"([transaction]
check_interval = "1s"
timeout = "1s"
max_checks = 15
)");
  create_topic("payments");
  run_scenario("transaction", {{"BERTH_TOPIC", "payments"}, {"BERTH_CHECK_TIMEOUT_MS", "40000"}});
}

TEST_F(compat, filters) {
  start();
  create_topic("filtered");
  run_scenario("filters", {{"BERTH_TOPIC", "filtered"}});
}

TEST_F(compat, recall) {
  start();
  create_topic("recallable");
  run_scenario("recall", {{"BERTH_TOPIC", "recallable"}});
}

// auth-acl (docs/security.md): an admin for berthctl, the application's account, and one that
// may subscribe but not publish.
TEST_F(compat, acl) {
  const auto accounts = dir_.write("acl-accounts.toml", R"(
[[accounts]]
access_key = "compat-admin"
secret_key = "compat-admin-secret-0001"
admin = true
topics = { "*" = "PUB|SUB" }
groups = { "*" = "PUB|SUB" }

[[accounts]]
access_key = "compat-app"
secret_key = "compat-app-secret-00001"
topics = { "guarded" = "PUB|SUB" }
groups = { "*" = "PUB|SUB" }

[[accounts]]
access_key = "compat-reader"
secret_key = "compat-reader-secret-01"
topics = { "guarded" = "SUB" }
groups = { "*" = "SUB" }
)");
  std::filesystem::permissions(accounts, std::filesystem::perms::owner_read |
                                             std::filesystem::perms::owner_write);
  start(fmt::format("[auth]\nplugin = \"acl\"\naccounts = \"{}\"\n", accounts.string()));
  create_topic("guarded",
               {"--access-key", "compat-admin", "--secret-key", "compat-admin-secret-0001"});
  run_scenario("acl", {{"BERTH_TOPIC", "guarded"},
                       {"BERTH_ACCESS_KEY", "compat-app"},
                       {"BERTH_SECRET_KEY", "compat-app-secret-00001"},
                       {"BERTH_READER_ACCESS_KEY", "compat-reader"},
                       {"BERTH_READER_SECRET_KEY", "compat-reader-secret-01"}});
}

// transport-grpc with a certificate: the client's sslEnabled verifies it against the CA the
// test gives grpc-js, for the name it dials (127.0.0.1).
TEST_F(compat, tls) {
  const certificate_authority ca("berth-compat-ca");
  const auto ca_file = ca.self().write(dir_.path(), "ca");
  const auto server = ca.issue_server().write(dir_.path(), "server");
  auto key = server;
  key.replace_extension(".key");
  start("", fmt::format("certificate = \"{}\"\nprivate_key = \"{}\"", server.string(), key.string()));
  create_topic("secured");
  // grpc-js reads its roots from this file when set (NODE_EXTRA_CA_CERTS did not reach it).
  run_scenario("tls", {{"BERTH_TOPIC", "secured"},
                       {"GRPC_DEFAULT_SSL_ROOTS_FILE_PATH", ca_file.string()}});
}

TEST_F(compat, bad_input) {
  start();
  create_topic("inputs");
  run_scenario("bad_input", {{"BERTH_TOPIC", "inputs"}, {"BERTH_MISSING_TOPIC", "never-created"}});
}

}  // namespace
}  // namespace berth::test
