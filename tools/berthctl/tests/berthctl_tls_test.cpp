// berthctl's TLS options against a real berthd with transport-tls: --ca, --server-name,
// client certificates, the environment variables, and the one-line error for each mistake.
#include "process.hpp"
#include "tls_fixture.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <string>
#include <vector>

namespace berth::test {
namespace {

using namespace std::chrono_literals;

class berthctl_tls_test : public tls_fixture {
 protected:
  run_result ctl(std::vector<std::string> args) const {
    std::vector<std::string> argv{BERTHCTL_PATH, "--server", secure_, "--timeout", "1500ms"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, dir_.path());
  }
};

TEST_F(berthctl_tls_test, ca_alone_turns_tls_on_and_verifies_the_broker) {
  start();
  auto r = ctl({"--ca", ca_file_.string(), "topic", "create", "secured", "--queues", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = ctl({"--ca", ca_file_.string(), "send", "--topic", "secured", "--body", "over tls"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = ctl({"--tls", "--ca", ca_file_.string(), "--server-name", "localhost", "--output", "json",
           "consume", "--topic", "secured", "--group", "g", "--from", "earliest", "--count",
           "1", "--timeout", "10s"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"body\":\"over tls\""), std::string::npos) << r.out;
}

TEST_F(berthctl_tls_test, each_mistake_is_one_line_that_says_what_to_change) {
  start();
  auto r = ctl({"--tls", "topic", "list"});  // the system's CAs do not know the test CA
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is not signed by a CA this client trusts: give that CA's certificate "
                       "with --ca FILE"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;

  r = ctl({"--ca", ca_file_.string(), "--server-name", "wrong.example", "topic", "list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is not for 'wrong.example'"), std::string::npos) << r.err;

  r = ctl({"topic", "list"});  // no TLS at all
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("this port speaks TLS"), std::string::npos) << r.err;

  r = ctl({"--ca", (dir_.path() / "missing.pem").string(), "topic", "list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("tls ca_file: '" + (dir_.path() / "missing.pem").string() +
                       "' is not a file"),
            std::string::npos)
      << r.err;
}

TEST_F(berthctl_tls_test, client_certificates_and_environment_variables) {
  tls_settings s;
  s.client_auth = "require";
  s.with_ca = true;
  start(s);
  const client::tls_options app = with_certificate(ca_, "berthctl-user");
  auto r = ctl({"--ca", ca_file_.string(), "topic", "list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the broker refused this client's certificate"), std::string::npos)
      << r.err;

  ::setenv("BERTH_TLS_CA", ca_file_.c_str(), 1);
  ::setenv("BERTH_TLS_CERT", app.cert_file.c_str(), 1);
  ::setenv("BERTH_TLS_KEY", app.key_file.c_str(), 1);
  r = ctl({"topic", "list"});
  ::unsetenv("BERTH_TLS_CA");
  ::unsetenv("BERTH_TLS_CERT");
  ::unsetenv("BERTH_TLS_KEY");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(broker_->process().wait_for_output("(client certificate CN=berthctl-user", 5s))
      << log();
}

}  // namespace
}  // namespace berth::test
