// The admin HTTP server over real loopback sockets: answers, keep-alive, and every limit it
// enforces before the handler runs.
#include "admin/http_server.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>

#include <gtest/gtest.h>

#include <poll.h>

#include <atomic>
#include <chrono>
#include <string>

namespace berth::kernel::admin {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

class http_server_test : public ::testing::Test {
 protected:
  void start(server_limits limits = {}) {
    auto made = http_server::start("127.0.0.1:0", limits,
                                   [this](const http_request& req, const std::string& peer) {
                                     ++handled;
                                     http_response res{http::status::ok, 11};
                                     res.body() = std::string(req.target()) + " from " +
                                                  peer.substr(0, peer.find(':'));
                                     return res;
                                   });
    ASSERT_TRUE(made) << made.error().message;
    server = std::move(made).value();
    port = static_cast<unsigned short>(
        std::stoi(server->endpoint().substr(server->endpoint().rfind(':') + 1)));
  }

  tcp::socket connect() {
    tcp::socket s(io);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    return s;
  }

  static void send(tcp::socket& s, const std::string& bytes) { asio::write(s, asio::buffer(bytes)); }

  static http::response<http::string_body> receive(tcp::socket& s, boost::beast::flat_buffer& buf) {
    http::response<http::string_body> res;
    http::read(s, buf, res);
    return res;
  }

  // True when the server closed `s` (a read ends with EOF or reset) within 5 s.
  static bool closed_by_server(tcp::socket& s) {
    pollfd readable{s.native_handle(), POLLIN, 0};
    if (::poll(&readable, 1, 5000) != 1) return false;
    char byte = 0;
    boost::system::error_code ec;
    s.read_some(asio::buffer(&byte, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

  asio::io_context io;
  std::unique_ptr<http_server> server;
  unsigned short port = 0;
  std::atomic<int> handled{0};
};

TEST_F(http_server_test, answers_and_keeps_the_connection_alive) {
  start();
  tcp::socket s = connect();
  boost::beast::flat_buffer buf;
  send(s, "GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
  auto first = receive(s, buf);
  EXPECT_EQ(first.result(), http::status::ok);
  EXPECT_EQ(first.body(), "/one from 127.0.0.1");
  EXPECT_EQ(first[http::field::server], "berthd");
  send(s, "GET /two HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(receive(s, buf).body(), "/two from 127.0.0.1");
  send(s, "GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(receive(s, buf).body(), "/three from 127.0.0.1");
  EXPECT_TRUE(closed_by_server(s));
}

TEST_F(http_server_test, refuses_a_body_over_the_limit_with_413_and_closes) {
  start({.max_request_size = 1024});
  tcp::socket s = connect();
  boost::beast::flat_buffer buf;
  send(s, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'a'));
  auto res = receive(s, buf);
  EXPECT_EQ(res.result(), http::status::payload_too_large);
  EXPECT_NE(res.body().find("max_request_size (1024 bytes)"), std::string::npos);
  EXPECT_TRUE(closed_by_server(s));
  EXPECT_EQ(handled.load(), 0);
}

TEST_F(http_server_test, refuses_headers_over_the_limit_with_413) {
  start({.max_request_size = 1024});
  tcp::socket s = connect();
  boost::beast::flat_buffer buf;
  send(s, "GET /x HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'b') + "\r\n\r\n");
  EXPECT_EQ(receive(s, buf).result(), http::status::payload_too_large);
  EXPECT_EQ(handled.load(), 0);
}

TEST_F(http_server_test, answers_garbage_with_400) {
  start();
  tcp::socket s = connect();
  boost::beast::flat_buffer buf;
  send(s, "NOT HTTP AT ALL\r\n\r\n");
  EXPECT_EQ(receive(s, buf).result(), http::status::bad_request);
  EXPECT_TRUE(closed_by_server(s));
}

TEST_F(http_server_test, closes_connections_beyond_max_connections) {
  start({.max_connections = 1});
  tcp::socket held = connect();
  boost::beast::flat_buffer buf;
  send(held, "GET /held HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(receive(held, buf).result(), http::status::ok);  // the first one is being served
  tcp::socket extra = connect();
  EXPECT_TRUE(closed_by_server(extra));
  held.close();
  // Once the first is gone a new one is served again.
  for (int attempt = 0; attempt < 50; ++attempt) {
    tcp::socket again = connect();
    boost::system::error_code ec;
    asio::write(again, asio::buffer(std::string("GET /again HTTP/1.1\r\nHost: x\r\n\r\n")), ec);
    boost::beast::flat_buffer b2;
    http::response<http::string_body> res;
    http::read(again, b2, res, ec);
    if (!ec) {
      EXPECT_EQ(res.body(), "/again from 127.0.0.1");
      return;
    }
    std::this_thread::sleep_for(20ms);
  }
  FAIL() << "no connection was served after the first one closed";
}

TEST_F(http_server_test, closes_idle_connections) {
  start({.idle_timeout = 1s});
  tcp::socket s = connect();
  const auto began = std::chrono::steady_clock::now();
  EXPECT_TRUE(closed_by_server(s));
  EXPECT_GE(std::chrono::steady_clock::now() - began, 900ms);
}

TEST_F(http_server_test, stops_with_connections_open) {
  start();
  tcp::socket s = connect();
  server->stop();
  EXPECT_TRUE(closed_by_server(s));
  EXPECT_THROW(connect(), boost::system::system_error);
}

// A connection the server has surely accepted (it answered on it) is closed by stop() too,
// not left open in the stopped io_context until the server is destroyed.
TEST_F(http_server_test, stop_closes_a_kept_alive_connection) {
  start();
  tcp::socket s = connect();
  boost::beast::flat_buffer buf;
  send(s, "GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(receive(s, buf).result(), http::status::ok);
  server->stop();
  EXPECT_TRUE(closed_by_server(s));
}

TEST(http_server_start, names_the_address_it_cannot_bind) {
  auto first = http_server::start("127.0.0.1:0", {}, [](const http_request&, const std::string&) {
    return http_response{};
  });
  ASSERT_TRUE(first);
  auto second = http_server::start(first.value()->endpoint(), {},
                                   [](const http_request&, const std::string&) { return http_response{}; });
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find("cannot listen on " + first.value()->endpoint()),
            std::string::npos);
}

}  // namespace
}  // namespace berth::kernel::admin
