#include "listener.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

namespace berth::transport_tcp {

namespace asio = boost::asio;

listener::listener(sdk::host& host, const listener_config& config, std::string metric_prefix,
                   stream_factory make_stream, sdk::metric open_failures)
    : host_(host),
      config_(config),
      prefix_(std::move(metric_prefix)),
      make_stream_(std::move(make_stream)),
      acceptor_(io_),
      services_{config_,
                host_,
                sdk::connection_port(host),
                [this](uint64_t id) { forget(id); },
                host.counter(prefix_ + "_frames_received_total", "frames received from clients"),
                host.counter(prefix_ + "_bytes_received_total", "bytes received from clients"),
                host.counter(prefix_ + "_bytes_sent_total", "bytes sent to clients"),
                host.counter(prefix_ + "_frames_refused_total",
                             "frames refused before the kernel saw them (garbage, too large)"),
                std::move(open_failures)},
      accepted_(host.counter(prefix_ + "_connections_accepted_total", "connections accepted")),
      refused_(host.counter(prefix_ + "_connections_refused_total",
                            "connections closed at once: over max_connections")),
      open_gauge_(host.gauge(prefix_ + "_connections", "connections open now")) {}

listener::~listener() {
  // stop() normally ran; after a failed start() the threads may still be there.
  work_.reset();
  io_.stop();
  join_threads();
}

void listener::start() {
  const asio::ip::tcp::endpoint where(asio::ip::make_address(config_.listen_host),
                                      config_.listen_port);
  boost::system::error_code ec;
  acceptor_.open(where.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(where, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw sdk::plugin_error(BERTH_E_IO,
                            "cannot listen on " + config_.listen_text + ": " + ec.message());
  }
  const asio::ip::tcp::endpoint bound = acceptor_.local_endpoint();
  endpoint_ = (bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                       : bound.address().to_string()) +
              ":" + std::to_string(bound.port());
  work_.emplace(io_.get_executor());
  accept_next();
  for (unsigned i = 0; i < config_.threads; ++i) {
    threads_.emplace_back([this] { io_.run(); });
  }
  host_.info("listening on ", endpoint_, " (", config_.threads, " threads, max ",
             config_.max_connections, " connections)");
}

void listener::accept_next() {
  // Each socket gets a strand of its own as its executor: every completion of the connection
  // runs there, one at a time.
  acceptor_.async_accept(asio::make_strand(io_), [this](const boost::system::error_code& ec,
                                                        asio::ip::tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;  // stop() closed the acceptor
    if (ec) {
      host_.warn("accept failed: ", ec.message());
      accept_next();
      return;
    }
    std::shared_ptr<session> s;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      if (sessions_.size() >= config_.max_connections) {
        refused_.add();
        host_.warn("connection refused: ", config_.max_connections,
                   " connections are open (max_connections)");
        boost::system::error_code ignored;
        socket.close(ignored);
      } else {
        const uint64_t id = next_id_++;
        s = std::make_shared<session>(services_, make_stream_(std::move(socket)), id);
        sessions_.emplace(id, s);
        open_gauge_.set(static_cast<int64_t>(sessions_.size()));
      }
    }
    if (s) {
      accepted_.add();
      s->start();
    }
    accept_next();
  });
}

void listener::forget(uint64_t session_id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session_id);
  open_gauge_.set(static_cast<int64_t>(sessions_.size()));
  if (sessions_.empty()) all_gone_.notify_all();
}

void listener::stop(std::chrono::nanoseconds deadline) {
  std::vector<std::shared_ptr<session>> open;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (const auto& [id, s] : sessions_) open.push_back(s);
  }
  asio::post(io_, [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
  // Let answers in flight go out, up to the deadline; then cut what is left.
  for (const auto& s : open) s->shutdown("the broker is stopping");
  open.clear();
  {
    std::unique_lock lock(mutex_);
    const auto until = std::chrono::steady_clock::time_point(
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(deadline));
    if (!all_gone_.wait_until(lock, until, [&] { return sessions_.empty(); })) {
      for (const auto& [id, s] : sessions_) open.push_back(s);
    }
  }
  for (const auto& s : open) s->abort("the stop deadline passed");
  open.clear();
  {
    std::unique_lock lock(mutex_);
    all_gone_.wait(lock, [&] { return sessions_.empty(); });
  }
  work_.reset();
  io_.stop();
  join_threads();
  host_.info("stopped listening on ", endpoint_);
}

void listener::join_threads() {
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

std::string listener::endpoint() const { return endpoint_; }

}  // namespace berth::transport_tcp
