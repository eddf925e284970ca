// A bare native-protocol client for integration tests: a blocking TCP socket, whole frames in
// and out, and the means to see the broker close the connection.
#pragma once

#include <berth/wire/frame.hpp>
#include <berth/wire/reader.hpp>
#include <berth/wire/writer.hpp>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace berth::test {

// One whole request frame: `body` under a request header for `code` with `request_id`.
template <class Body>
std::vector<uint8_t> request_frame(wire::code code, uint64_t request_id, const Body& body) {
  std::vector<uint8_t> frame;
  wire::frame_builder b(frame, wire::request_header(code, request_id));
  body.encode(b.body());
  (void)b.finish();
  return frame;
}

class wire_client {
 public:
  // Connects to "127.0.0.1:port".
  explicit wire_client(const std::string& endpoint) {
    const auto colon = endpoint.rfind(':');
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(std::stoi(endpoint.substr(colon + 1))));
    ::inet_pton(AF_INET, endpoint.substr(0, colon).c_str(), &addr.sin_addr);
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      throw std::runtime_error("cannot connect to " + endpoint);
    }
  }
  ~wire_client() { ::close(fd_); }
  wire_client(const wire_client&) = delete;
  wire_client& operator=(const wire_client&) = delete;

  void send(std::span<const uint8_t> bytes) const {
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed");
      done += static_cast<size_t>(n);
    }
  }
  void send(const std::string& text) const {
    send(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  }

  // Send one request with the next request id and wait for its answer (requests are not
  // pipelined here: the next frame that is not a push is the answer; pushes are kept for
  // next_push()).
  template <class Body>
  std::optional<std::vector<uint8_t>> call(wire::code code, const Body& body,
                                           std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    send(request_frame(code, ++next_id_, body));
    while (true) {
      auto answer = read_frame(timeout);
      if (!answer || wire::decode_header(*answer, 1u << 30).header.kind != wire::kind::push) {
        return answer;
      }
      pushes_.push_back(std::move(*answer));
    }
  }

  // The next push frame: one that arrived during a call(), or the next frame read.
  std::optional<std::vector<uint8_t>> next_push(
      std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    if (!pushes_.empty()) {
      auto first = std::move(pushes_.front());
      pushes_.erase(pushes_.begin());
      return first;
    }
    return read_frame(timeout);
  }

  // The request id the last call() sent (0 before the first).
  [[nodiscard]] uint64_t last_request_id() const noexcept { return next_id_; }

  // The next whole frame, or nullopt when the connection closed or nothing came in time.
  std::optional<std::vector<uint8_t>> read_frame(
      std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::vector<uint8_t> frame(wire::length_size);
    if (!read_exactly(frame.data(), wire::length_size, timeout)) return std::nullopt;
    const wire::header_result r = wire::peek_length(frame, 1u << 30);
    if (r.state != wire::header_state::ok) return std::nullopt;
    frame.resize(r.header.frame_size());
    if (!read_exactly(frame.data() + wire::length_size, r.header.length, timeout)) return std::nullopt;
    return frame;
  }

  // True once the broker has closed the connection (reads give end of stream or an error).
  bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    uint8_t byte = 0;
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const ssize_t n = ::recv(fd_, &byte, 1, 0);
      if (n <= 0) return true;
    }
    return false;
  }

 private:
  bool read_exactly(uint8_t* out, size_t n, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    size_t done = 0;
    while (done < n) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      const ssize_t got = ::recv(fd_, out + done, n - done, 0);
      if (got <= 0) return false;
      done += static_cast<size_t>(got);
    }
    return true;
  }

  int fd_ = -1;
  uint64_t next_id_ = 0;
  std::vector<std::vector<uint8_t>> pushes_;
};

// The header of a whole frame read by read_frame().
inline wire::frame_header header_of(const std::vector<uint8_t>& frame) {
  return wire::decode_header(frame, 1u << 30).header;
}

// The body of an ok response (or a push) decoded as T; fails the test when it does not decode.
// The result views into `frame`, which must outlive it.
template <class T>
std::optional<T> body_of(const std::vector<uint8_t>& frame) {
  const wire::frame_header h = header_of(frame);
  auto decoded = wire::decode<T>(wire::frame_body(frame, h), h.code, h.kind);
  EXPECT_TRUE(decoded) << (decoded ? "" : decoded.error().message);
  if (!decoded) return std::nullopt;
  return std::move(decoded).value();
}

// The message of an error response.
inline std::string error_text(const std::vector<uint8_t>& frame) {
  const wire::frame_header h = header_of(frame);
  wire::reader r(wire::frame_body(frame, h), h.code, wire::kind::response);
  return std::string(r.text("message"));
}

}  // namespace berth::test
