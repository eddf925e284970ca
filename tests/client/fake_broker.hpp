// A scripted fake broker for the client tests: a TCP listener on 127.0.0.1 that reads whole
// frames and hands each to a script (HELLO is answered by default), for what a real broker does
// not do on demand: answers out of order, BUSY, silence, a dropped connection, a forged length.
#pragma once

#include <berth/wire/wire.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace berth::test {

class fake_broker {
 public:
  using script = std::function<void(fake_broker&, int fd, const wire::frame_header&,
                                    std::span<const uint8_t> body)>;

  explicit fake_broker(script s) : script_(std::move(s)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    socklen_t len = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 8) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("fake broker: cannot listen");
    }
    endpoint_ = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~fake_broker() {
    stopping_ = true;
    acceptor_.join();
    ::close(listen_fd_);
    {
      std::lock_guard lock(mutex_);
      for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (std::thread& t : servers_) t.join();
    for (int fd : fds_) ::close(fd);
  }

  [[nodiscard]] const std::string& endpoint() const { return endpoint_; }
  [[nodiscard]] int connections() const { return accepted_; }

  void send_bytes(int fd, std::span<const uint8_t> bytes) {
    std::lock_guard lock(write_mutex_);
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
  }

  template <class Body>
  void answer(int fd, const wire::frame_header& request, const Body& body,
              wire::status s = wire::status::ok) {
    std::vector<uint8_t> out;
    wire::frame_builder b(out, wire::response_header(request, s));
    body.encode(b.body());
    (void)b.finish();
    send_bytes(fd, out);
  }

  template <class Body>
  void push(int fd, wire::code c, const Body& body) {
    std::vector<uint8_t> out;
    wire::frame_builder b(out, wire::push_header(c));
    body.encode(b.body());
    (void)b.finish();
    send_bytes(fd, out);
  }

  void hang_up(int fd) { ::shutdown(fd, SHUT_RDWR); }

 private:
  void accept_loop() {
    while (!stopping_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++accepted_;
      std::lock_guard lock(mutex_);
      fds_.push_back(fd);
      servers_.emplace_back([this, fd] { serve(fd); });
    }
  }

  bool read_exactly(int fd, uint8_t* out, size_t n) {
    size_t done = 0;
    while (done < n) {
      const ssize_t got = ::recv(fd, out + done, n - done, 0);
      if (got <= 0) return false;
      done += static_cast<size_t>(got);
    }
    return true;
  }

  void serve(int fd) {
    for (;;) {
      std::vector<uint8_t> bytes(wire::length_size);
      if (!read_exactly(fd, bytes.data(), wire::length_size)) return;
      const wire::header_result len = wire::peek_length(bytes, 1u << 24);
      if (!len.ok()) return;
      bytes.resize(len.header.frame_size());
      if (!read_exactly(fd, bytes.data() + wire::length_size, len.header.length)) return;
      const wire::header_result h = wire::decode_header(bytes, 1u << 24);
      if (!h.ok()) return;
      const auto body = wire::frame_body(bytes, h.header);
      if (h.header.code == wire::code::hello) {
        answer(fd, h.header, wire::hello_response{"fake", "0", 1, 1u << 20, 1000, false, {}});
        continue;
      }
      script_(*this, fd, h.header, body);
    }
  }

  script script_;
  int listen_fd_ = -1;
  std::string endpoint_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::thread acceptor_;
  std::mutex mutex_;
  std::mutex write_mutex_;
  std::vector<int> fds_;
  std::vector<std::thread> servers_;
};

}  // namespace berth::test
