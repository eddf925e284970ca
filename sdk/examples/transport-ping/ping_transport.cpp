// An example transport plugin: a line protocol on TCP. A client sends "PING" and receives
// "<reply> <broker name>"; "QUIT" closes the connection. It shows every part of a plugin: a
// config schema, typed config, logging, metrics, start/stop with a deadline, and one macro.
//
// One thread polls the listener and every connection; stop() wakes it through a pipe.
#include <berth/plugin/transport.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr const char* schema = R"json({
  "keys": {
    "listen": {"type": "string", "required": true,
               "help": "IPv4 address and port to listen on, e.g. \"127.0.0.1:7000\" (port 0 picks one)"},
    "reply": {"type": "string", "default": "PONG", "help": "the word answered to PING"},
    "max_connections": {"type": "int", "default": 64, "min": 1, "max": 10000,
                        "help": "connections beyond this are closed at once"}
  }
})json";

using berth::sdk::plugin_error;

sockaddr_in parse_ipv4(const std::string& listen) {
  const auto colon = listen.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (colon == std::string::npos ||
      inet_pton(AF_INET, listen.substr(0, colon).c_str(), &addr.sin_addr) != 1) {
    throw plugin_error(BERTH_E_INVALID, "listen: \"" + listen + "\" is not an IPv4 address:port");
  }
  const int port = std::stoi(listen.substr(colon + 1));
  if (port < 0 || port > 65535) throw plugin_error(BERTH_E_INVALID, "listen: port out of range");
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

class ping_transport : public berth::sdk::transport_plugin {
 public:
  explicit ping_transport(berth::sdk::host& host)
      : host_(host),
        address_(parse_ipv4(host.config_string("listen"))),
        reply_(host.config_string("reply")),
        max_connections_(static_cast<size_t>(host.config_int("max_connections"))),
        connections_(host.counter("ping_connections_total", "Connections accepted")),
        requests_(host.counter("ping_requests_total", "PING requests answered")) {}

  ~ping_transport() override { close_all(); }

  void start() override {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    const int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(listener_, reinterpret_cast<const sockaddr*>(&address_), sizeof address_) != 0 ||
        ::listen(listener_, 64) != 0) {
      const std::string reason = std::strerror(errno);
      close_all();
      throw plugin_error(BERTH_E_IO, "cannot listen on " + host_.config_string("listen") + ": " + reason);
    }
    socklen_t len = sizeof address_;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address_), &len);
    if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) throw plugin_error(BERTH_E_IO, "pipe2 failed");
    worker_ = std::thread([this] { serve(); });
    host_.info("listening on ", endpoint());
  }

  void stop(std::chrono::nanoseconds) override {
    // Requests are answered as they arrive, so nothing is in flight: wake, join, close.
    if (worker_.joinable()) {
      const char byte = 0;
      [[maybe_unused]] const auto n = ::write(wake_[1], &byte, 1);
      worker_.join();
    }
    close_all();
    host_.info("stopped");
  }

  [[nodiscard]] std::string endpoint() const override {
    char ip[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &address_.sin_addr, ip, sizeof ip);
    return std::string(ip) + ":" + std::to_string(ntohs(address_.sin_port));
  }

 private:
  void serve() {
    for (;;) {
      std::vector<pollfd> fds{{wake_[0], POLLIN, 0}, {listener_, POLLIN, 0}};
      for (const auto& [fd, buffer] : clients_) fds.push_back({fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return;
      if (fds[0].revents != 0) return;
      if (fds[1].revents & POLLIN) accept_one();
      for (size_t i = 2; i < fds.size(); ++i) {
        if (fds[i].revents != 0) read_from(fds[i].fd);
      }
    }
  }

  void accept_one() {
    const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    if (clients_.size() >= max_connections_) {
      host_.warn("connection refused: max_connections (", max_connections_, ") reached");
      ::close(fd);
      return;
    }
    clients_.emplace(fd, std::string{});
    connections_.add();
  }

  void read_from(int fd) {
    char chunk[512];
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) return drop(fd);
    std::string& buffer = clients_[fd];
    buffer.append(chunk, static_cast<size_t>(n));
    if (buffer.size() > 4096) return drop(fd);  // no line is that long: not our protocol
    for (auto eol = buffer.find('\n'); eol != std::string::npos; eol = buffer.find('\n')) {
      std::string line = buffer.substr(0, eol);
      buffer.erase(0, eol + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line == "QUIT") return drop(fd);
      const std::string answer = line == "PING"
                                     ? reply_ + " " + std::string(host_.broker_name()) + "\n"
                                     : "ERROR unknown command\n";
      if (line == "PING") requests_.add();
      if (::write(fd, answer.data(), answer.size()) < 0) return drop(fd);
    }
  }

  void drop(int fd) {
    ::close(fd);
    clients_.erase(fd);
  }

  void close_all() {
    for (const auto& [fd, buffer] : clients_) ::close(fd);
    clients_.clear();
    for (int* fd : {&listener_, &wake_[0], &wake_[1]}) {
      if (*fd >= 0) ::close(*fd);
      *fd = -1;
    }
  }

  berth::sdk::host& host_;
  sockaddr_in address_;
  std::string reply_;
  size_t max_connections_;
  berth::sdk::metric connections_;
  berth::sdk::metric requests_;
  int listener_ = -1;
  int wake_[2] = {-1, -1};
  std::thread worker_;
  std::map<int, std::string> clients_;
};

}  // namespace

BERTH_DEFINE_TRANSPORT_PLUGIN(ping_transport, "ping", "1.0.0",
                              "Example line-protocol transport: answers PING with PONG", schema)
