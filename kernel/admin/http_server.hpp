// http_server: a small HTTP/1.1 server (Boost.Beast) on its own thread and io_context, so that
// nothing an admin client does (slow reads, big scrapes, many connections) can take time from
// the network threads of the data path. Requests are answered one at a time per connection by
// a synchronous handler; keep-alive is honoured.
//
// Limits, each answered before the handler runs: a request whose headers or body exceed
// max_request_size gets 413 and its connection closed; a connection idle for idle_timeout is
// closed; connections beyond max_connections are closed as they arrive.
#pragma once

#include "common/result.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace berth::kernel::admin {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

struct server_limits {
  std::uint64_t max_request_size = 64 * 1024;
  std::chrono::nanoseconds idle_timeout = std::chrono::seconds(30);
  std::uint32_t max_connections = 64;
};

// Answers one request; `peer` is "ip:port". Runs on the server's thread; must not throw (an
// exception is answered 500 and logged).
using request_handler = std::function<http_response(const http_request&, const std::string& peer)>;

class http_server {
 public:
  // Bind `listen` ("host:port", IPv6 in brackets, port 0 picks one) and start serving.
  static result<std::unique_ptr<http_server>> start(const std::string& listen,
                                                    server_limits limits, request_handler handler);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // Stop accepting, close every connection, join the thread. Idempotent.
  void stop();
  // The address actually bound, "127.0.0.1:10980".
  [[nodiscard]] const std::string& endpoint() const;

 private:
  struct impl;
  explicit http_server(std::unique_ptr<impl> state);
  std::unique_ptr<impl> impl_;
};

}  // namespace berth::kernel::admin
