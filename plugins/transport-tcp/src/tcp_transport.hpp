// transport-tcp: the native protocol over TCP. An acceptor and a pool of network threads
// (one io_context); each accepted socket becomes a session that hands its frames to the kernel.
#pragma once

#include "session.hpp"
#include "tcp_config.hpp"

#include <berth/plugin/transport.hpp>

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

class tcp_transport final : public sdk::transport_plugin {
 public:
  explicit tcp_transport(sdk::host& host);
  ~tcp_transport() override;

  void start() override;
  void stop(std::chrono::nanoseconds deadline) override;
  [[nodiscard]] std::string endpoint() const override;

 private:
  void accept_next();
  void forget(uint64_t session_id);
  void join_threads();

  sdk::host& host_;
  const tcp_config config_;
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
