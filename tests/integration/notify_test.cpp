// berthd under a service manager: with NOTIFY_SOCKET set it sends READY=1 once its transports
// listen, RELOADING=1 and READY=1 around a SIGHUP reload, STOPPING=1 at SIGTERM (sd_notify).
// The test plays systemd: it owns the datagram socket.
#include "broker_fixture.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>

namespace berth::test {
namespace {

using namespace std::chrono_literals;

// A unix datagram socket bound to a path, as systemd's notify socket is.
class notify_socket {
 public:
  explicit notify_socket(std::filesystem::path path) : path_(std::move(path)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string text = path_.string();
    if (fd_ < 0 || text.size() >= sizeof addr.sun_path) throw std::runtime_error("notify socket");
    std::memcpy(addr.sun_path, text.c_str(), text.size() + 1);
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error("cannot bind " + text + ": " + std::strerror(errno));
    }
  }
  ~notify_socket() { ::close(fd_); }
  notify_socket(const notify_socket&) = delete;
  notify_socket& operator=(const notify_socket&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

  // The next datagram ("READY=1\nSTATUS=..."), or nullopt if none came in time.
  std::optional<std::string> next(std::chrono::milliseconds timeout = 10s) const {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    std::string message(4096, '\0');
    const ssize_t n = ::recv(fd_, message.data(), message.size(), 0);
    if (n < 0) return std::nullopt;
    message.resize(static_cast<std::size_t>(n));
    return message;
  }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

// The memory store, transport-tcp and the admin listener on free loopback ports.
std::string config_text(const temp_dir& dir) {
  return fmt::format(R"([admin]
listen = "127.0.0.1:0"

[broker]
name = "berth-notify"
data_dir = "{}/data"
shutdown_timeout = "3s"

[store]
plugin = "memory"

[[transport]]
plugin = "tcp"
listen = "127.0.0.1:0"
)",
                     dir.path().string());
}

bool has_line(const std::string& message, const std::string& line) {
  return ("\n" + message + "\n").find("\n" + line + "\n") != std::string::npos;
}

TEST(notify, ready_after_the_transports_listen_reloading_around_sighup_stopping_at_sigterm) {
  temp_dir dir;
  const notify_socket systemd(dir.path() / "notify.sock");
  running_broker broker(dir, config_text(dir),
                        {{"NOTIFY_SOCKET", systemd.path().string()}});

  const auto ready = systemd.next();
  ASSERT_TRUE(ready) << "no READY=1\n" << broker.process().err();
  EXPECT_TRUE(has_line(*ready, "READY=1")) << *ready;
  // Sent once the broker started: the transport listens by then and the status names it.
  const std::string log = broker.process().err();
  const auto listening = log.find("' listening on ");
  ASSERT_NE(listening, std::string::npos) << "READY=1 came before the transport listened\n" << log;
  const std::string endpoint = log.substr(listening + 15, log.find('\n', listening) - listening - 15);
  EXPECT_TRUE(has_line(*ready, "STATUS=serving: transport-tcp-1 " + endpoint)) << *ready;

  broker.process().signal(SIGHUP);
  const auto reloading = systemd.next();
  ASSERT_TRUE(reloading) << broker.process().err();
  EXPECT_TRUE(has_line(*reloading, "RELOADING=1")) << *reloading;
  EXPECT_NE(reloading->find("\nMONOTONIC_USEC="), std::string::npos) << *reloading;
  const auto reloaded = systemd.next();
  ASSERT_TRUE(reloaded) << broker.process().err();
  EXPECT_TRUE(has_line(*reloaded, "READY=1")) << *reloaded;

  broker.process().signal(SIGTERM);
  const auto stopping = systemd.next();
  ASSERT_TRUE(stopping) << broker.process().err();
  EXPECT_TRUE(has_line(*stopping, "STOPPING=1")) << *stopping;
  EXPECT_EQ(broker.process().wait_exit(5s), 0) << broker.process().err();
}

TEST(notify, without_notify_socket_berthd_runs_as_before) {
  if (std::getenv("NOTIFY_SOCKET") != nullptr) GTEST_SKIP() << "the test runs under a notify socket";
  temp_dir dir;
  running_broker broker(dir, config_text(dir));
  ASSERT_FALSE(broker.wait_for_endpoint().empty()) << broker.process().err();
  broker.process().signal(SIGTERM);
  EXPECT_EQ(broker.process().wait_exit(5s), 0);
  EXPECT_EQ(broker.process().err().find("cannot tell the service manager"), std::string::npos)
      << broker.process().err();
}

TEST(notify, a_socket_nobody_listens_on_is_logged_and_changes_nothing) {
  temp_dir dir;
  running_broker broker(dir, config_text(dir),
                        {{"NOTIFY_SOCKET", (dir.path() / "gone.sock").string()}});
  ASSERT_FALSE(broker.wait_for_endpoint().empty()) << broker.process().err();
  EXPECT_TRUE(broker.process().wait_for_output("cannot tell the service manager 'READY=1'", 5s))
      << broker.process().err();
  broker.process().signal(SIGTERM);
  EXPECT_EQ(broker.process().wait_exit(5s), 0);
}

}  // namespace
}  // namespace berth::test
