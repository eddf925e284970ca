// A native-protocol listener: an acceptor and a pool of network threads (one io_context); each
// accepted socket, on a strand of its own, becomes a byte stream (from the factory: plain TCP
// or TLS) and a session that hands its frames to the kernel. transport-tcp and transport-tls
// are each one listener with their own stream.
#pragma once

#include "byte_stream.hpp"
#include "listener_config.hpp"
#include "session.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace berth::transport_tcp {

class listener {
 public:
  // `metric_prefix` names this transport's metrics ("tcp": berth_tcp_connections, ...);
  // `open_failures` counts streams that never opened (may be unset).
  listener(sdk::host& host, const listener_config& config, std::string metric_prefix,
           stream_factory make_stream, sdk::metric open_failures = {});
  ~listener();
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;

  // Bind and start accepting; throws plugin_error(BERTH_E_IO) when the address cannot be bound.
  void start();
  // Stop accepting, let connections finish writing up to `deadline` (monotonic), cut the rest.
  void stop(std::chrono::nanoseconds deadline);
  // "ip:port" once started.
  [[nodiscard]] std::string endpoint() const;

 private:
  void accept_next();
  void forget(uint64_t session_id);
  void join_threads();

  sdk::host& host_;
  const listener_config& config_;
  const std::string prefix_;
  stream_factory make_stream_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  boost::asio::ip::tcp::acceptor acceptor_;
  session_services services_;
  sdk::metric accepted_;
  sdk::metric refused_;
  sdk::metric open_gauge_;
  std::vector<std::thread> threads_;
  std::string endpoint_;

  std::mutex mutex_;
  std::condition_variable all_gone_;
  std::map<uint64_t, std::shared_ptr<session>> sessions_;
  uint64_t next_id_ = 1;
  bool stopping_ = false;
};

}  // namespace berth::transport_tcp
