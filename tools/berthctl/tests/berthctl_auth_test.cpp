// berthctl's --access-key and --secret-key (and BERTH_ACCESS_KEY, BERTH_SECRET_KEY) against a
// real berthd with auth-acl: signed commands work, and each refusal is one line naming why.
#include "broker_fixture.hpp"
#include "process.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <csignal>
#include <cstdlib>
#include <string>
#include <vector>

namespace berth::test {
namespace {

using namespace std::chrono_literals;

class berthctl_auth_test : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto accounts = dir_.write("acl.toml", R"(
[[accounts]]
access_key = "ops"
secret_key = "ops-secret-000000001"
admin = true
topics = { "*" = "PUB|SUB" }

[[accounts]]
access_key = "reader"
secret_key = "reader-secret-000001"
topics = { "*" = "SUB" }
)");
    broker_ = std::make_unique<running_broker>(
        dir_, memory_broker_config(dir_, fmt::format("[auth]\nplugin = \"acl\"\naccounts = \"{}\"\n",
                                                     accounts.string())));
    endpoint_ = broker_->wait_for_endpoint();
    ASSERT_FALSE(endpoint_.empty()) << broker_->process().err();
  }
  void TearDown() override {
    broker_->process().signal(SIGTERM);
    EXPECT_EQ(broker_->process().wait_exit(10s), 0) << broker_->process().err();
  }

  run_result ctl(std::vector<std::string> args) const {
    std::vector<std::string> argv{BERTHCTL_PATH, "--server", endpoint_, "--timeout", "2s"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, dir_.path());
  }

  temp_dir dir_;
  std::unique_ptr<running_broker> broker_;
  std::string endpoint_;
};

TEST_F(berthctl_auth_test, signed_commands_from_flags_and_from_the_environment) {
  auto r = ctl({"--access-key", "ops", "--secret-key", "ops-secret-000000001", "topic", "create",
                "signed", "--queues", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ::setenv("BERTH_ACCESS_KEY", "ops", 1);
  ::setenv("BERTH_SECRET_KEY", "ops-secret-000000001", 1);
  r = ctl({"send", "--topic", "signed", "--body", "hello"});
  ::unsetenv("BERTH_ACCESS_KEY");
  ::unsetenv("BERTH_SECRET_KEY");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(berthctl_auth_test, each_refusal_is_one_line) {
  auto r = ctl({"topic", "list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("UNAUTHENTICATED: TOPIC_LIST: this broker requires signed requests"),
            std::string::npos)
      << r.err;
  r = ctl({"--access-key", "ops", "--secret-key", "not-the-secret-00001", "topic", "list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("BAD_SIGNATURE"), std::string::npos) << r.err;
  r = ctl({"--access-key", "reader", "--secret-key", "reader-secret-000001", "topic", "create",
           "mine"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("FORBIDDEN: TOPIC_CREATE: 'reader' may not CREATE cluster 'mine'"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
}  // namespace berth::test
