// A real berthd for the client tests: the tcp transport on loopback, the mmap store in a temp
// dir; restartable on the same data dir and port.
#pragma once

#include "broker_fixture.hpp"

#include <berth/client/error.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <functional>
#include <optional>
#include <thread>

namespace berth::test {

using namespace std::chrono_literals;

// A port nothing listens on now (bound and released), for a broker that must come back on
// the same port after a restart.
inline uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return 0;
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

struct broker_settings {
  uint16_t port = 0;        // 0: any
  bool sync_flush = false;  // acknowledge only what is on disk
  std::string extra_tables;  // appended to the config, e.g. a [transaction] table
};

inline std::string client_broker_config(const temp_dir& dir, const broker_settings& s) {
  return fmt::format(R"([admin]
listen = "127.0.0.1:0"

[broker]
name = "berth-client-test"
data_dir = "{}/data"
shutdown_timeout = "3s"

[store]
plugin = "mmap"
segment_size = "8MiB"
flush = "{}"

[[transport]]
plugin = "tcp"
listen = "127.0.0.1:{}"
{}
)",
                     dir.path().string(), s.sync_flush ? "sync" : "async", s.port,
                     s.extra_tables);
}

// berthd with its data dir; stop() and start() again keep the data dir (and, with a fixed
// port, the endpoint).
class client_broker {
 public:
  explicit client_broker(broker_settings s = {}) : settings_(s) { start(); }
  ~client_broker() { stop(SIGTERM); }

  void start() {
    broker_ = std::make_unique<running_broker>(dir_, client_broker_config(dir_, settings_));
    endpoint_ = broker_->wait_for_endpoint();
    ASSERT_FALSE(endpoint_.empty()) << broker_->process().err();
  }

  // SIGTERM (a clean stop) or SIGKILL; waits for the exit.
  void stop(int signo) {
    if (!broker_) return;
    broker_->process().signal(signo);
    (void)broker_->process().wait_exit(10s);
    log_ += broker_->process().err();
    broker_.reset();
  }

  [[nodiscard]] const std::string& endpoint() const { return endpoint_; }
  [[nodiscard]] std::string log() const { return log_ + (broker_ ? broker_->process().err() : ""); }
  [[nodiscard]] const temp_dir& dir() const { return dir_; }

 private:
  temp_dir dir_;
  broker_settings settings_;
  std::unique_ptr<running_broker> broker_;
  std::string endpoint_;
  std::string log_;
};

// Poll `done` every 10 ms until it holds or `timeout` passes; returns its last value.
inline bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = 10s) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(10ms);
  }
}

inline std::string describe(const client::error& e) { return e.to_string(); }

}  // namespace berth::test

// For EXPECT/ASSERT on results: prints the error when there is one.
#define BERTH_ASSERT_OK(expr)                                                           \
  do {                                                                                  \
    const auto& berth_r_ = (expr);                                                      \
    ASSERT_TRUE(berth_r_.has_value()) << #expr << ": " << berth_r_.error().to_string(); \
  } while (0)
#define BERTH_EXPECT_OK(expr)                                                           \
  do {                                                                                  \
    const auto& berth_r_ = (expr);                                                      \
    EXPECT_TRUE(berth_r_.has_value()) << #expr << ": " << berth_r_.error().to_string(); \
  } while (0)
