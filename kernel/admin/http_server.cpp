#include "admin/http_server.hpp"

#include "config/listen_address.hpp"
#include "log/logger.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <fmt/format.h>

#include <atomic>
#include <limits>
#include <optional>
#include <thread>
#include <unordered_set>

namespace berth::kernel::admin {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

log::logger_ptr logger() { return log::module("admin"); }

std::string text_of(const tcp::endpoint& e) {
  const auto address = e.address();
  return address.is_v6() ? fmt::format("[{}]:{}", address.to_string(), e.port())
                         : fmt::format("{}:{}", address.to_string(), e.port());
}

http_response plain_error(http::status status, std::string_view text) {
  http_response res{status, 11};
  res.set(http::field::content_type, "application/json");
  res.body() = fmt::format(R"({{"error":"{}","message":"{}"}})",
                           status == http::status::payload_too_large ? "too_large" : "bad_request",
                           text);
  res.keep_alive(false);
  res.prepare_payload();
  return res;
}

class session;

// What every connection of one server shares; outlives the io_context's handlers.
struct shared_state {
  server_limits limits;
  request_handler handler;
  std::atomic<std::uint32_t> connections{0};
  // The open sessions, for stop() to close; touched only on the server's thread.
  std::unordered_set<session*> open;
};

class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, std::shared_ptr<shared_state> state)
      : stream_(std::move(socket)), state_(std::move(state)) {
    state_->connections.fetch_add(1);
    state_->open.insert(this);
    boost::system::error_code ec;
    const auto remote = stream_.socket().remote_endpoint(ec);
    peer_ = ec ? std::string("?") : text_of(remote);
  }
  ~session() {
    state_->open.erase(this);
    state_->connections.fetch_sub(1);
  }
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  void read() {
    const std::uint64_t limit = state_->limits.max_request_size;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::uint64_t>(limit, std::numeric_limits<std::uint32_t>::max())));
    parser_->body_limit(limit);
    stream_.expires_after(state_->limits.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
      return close();
    }
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      return write(plain_error(http::status::payload_too_large,
                               fmt::format("the request is larger than max_request_size ({} bytes)",
                                           state_->limits.max_request_size)));
    }
    if (ec) return write(plain_error(http::status::bad_request, "malformed HTTP request"));
    http_request req = parser_->release();
    http_response res = answer(req);
    res.keep_alive(res.keep_alive() && req.keep_alive());
    write(std::move(res));
  }

  http_response answer(const http_request& req) {
    try {
      http_response res = state_->handler(req, peer_);
      res.version(req.version());
      res.set(http::field::server, "berthd");
      res.prepare_payload();
      return res;
    } catch (const std::exception& e) {
      logger()->error("{} {} from {}: {}", std::string(req.method_string()),
                      std::string(req.target()), peer_, e.what());
      http_response res{http::status::internal_server_error, req.version()};
      res.set(http::field::content_type, "application/json");
      res.body() = R"json({"error":"internal","message":"the broker failed to answer (see its log)"})json";
      res.prepare_payload();
      return res;
    }
  }

  void write(http_response res) {
    const bool closing = !res.keep_alive();
    response_ = std::make_shared<http_response>(std::move(res));
    http::async_write(stream_, *response_,
                      [self = shared_from_this(), closing](beast::error_code ec, std::size_t) {
                        self->response_.reset();
                        if (ec || closing) return self->close();
                        self->read();
                      });
  }

  beast::tcp_stream stream_;
  std::shared_ptr<shared_state> state_;
  std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<http_response> response_;
};

}  // namespace

struct http_server::impl {
  std::shared_ptr<shared_state> state;  // first: destroyed after the io_context's handlers
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::string endpoint;
  std::thread thread;
  bool stopped = false;

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) admit(std::move(socket));
      accept();
    });
  }

  void admit(tcp::socket socket) {
    if (state->connections.load() >= state->limits.max_connections) {
      logger()->warn("admin connection refused: {} connections is max_connections",
                     state->limits.max_connections);
      beast::error_code ignored;
      socket.close(ignored);
      return;
    }
    std::make_shared<session>(std::move(socket), state)->read();
  }
};

http_server::http_server(std::unique_ptr<impl> state) : impl_(std::move(state)) {}

http_server::~http_server() { stop(); }

result<std::unique_ptr<http_server>> http_server::start(const std::string& listen,
                                                        server_limits limits,
                                                        request_handler handler) {
  auto endpoint = config::parse_listen_address(listen);
  if (!endpoint) return boost::outcome_v2::failure(endpoint.error());
  auto made = std::make_unique<impl>();
  made->state = std::make_shared<shared_state>();
  made->state->limits = limits;
  made->state->handler = std::move(handler);
  beast::error_code ec;
  auto& acceptor = made->acceptor;
  acceptor.open(endpoint.value().protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint.value(), ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return failure(BERTH_E_IO, fmt::format("admin listener: cannot listen on {}: {}", listen,
                                           ec.message()));
  }
  made->endpoint = text_of(acceptor.local_endpoint());
  made->accept();
  made->thread = std::thread([io = &made->io] { io->run(); });
  return std::unique_ptr<http_server>(new http_server(std::move(made)));
}

void http_server::stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  // Sessions live on in the stopped io_context's handlers until it is destroyed: close their
  // sockets here, so that clients see the end now.
  asio::post(impl_->io, [state = impl_.get()] {
    beast::error_code ignored;
    state->acceptor.close(ignored);
    for (session* open : state->state->open) open->close();
    state->io.stop();
  });
  if (impl_->thread.joinable()) impl_->thread.join();
}

const std::string& http_server::endpoint() const { return impl_->endpoint; }

}  // namespace berth::kernel::admin
