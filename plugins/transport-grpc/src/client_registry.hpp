// The RocketMQ clients this gateway serves, by client id (the x-mq-client-id header every call
// carries). Each has one kernel connection, which carries its requests and brings its pushes
// (transaction check-backs), and the Settings it announced on its Telemetry stream.
#pragma once

#include "kernel_link.hpp"
#include "status_map.hpp"

#include <apache/rocketmq/v2/service.pb.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

namespace berth::transport_grpc {

// Where server-initiated commands go: the client's open Telemetry stream.
class command_sink {
 public:
  virtual ~command_sink() = default;
  virtual void write(const v2::TelemetryCommand& command) = 0;
  // End the stream (the broker stops): what is queued is written first.
  virtual void close() = 0;
};

class client_session {
 public:
  client_session(std::string id, std::shared_ptr<kernel_link> link)
      : id_(std::move(id)), link_(std::move(link)) {}

  // The registry's key: the client id, and "\n<access key>" for a signed client's session.
  [[nodiscard]] const std::string& id() const noexcept { return id_; }
  // The client id alone.
  [[nodiscard]] std::string client_id() const { return id_.substr(0, id_.find('\n')); }
  [[nodiscard]] kernel_link& link() const noexcept { return *link_; }

  void set_settings(const v2::Settings& settings);
  [[nodiscard]] v2::Settings settings() const;

  void attach(const std::shared_ptr<command_sink>& sink);
  void detach(const command_sink* sink);
  // Write to the most recently opened stream; false when none is open.
  bool send_command(const v2::TelemetryCommand& command);
  [[nodiscard]] bool has_stream() const;
  // End every open stream (the broker stops).
  void close_streams();

  // True the first time a producer group is named (then PRODUCER_REGISTER it).
  bool first_producer_group(const std::string& group);

  void touch();
  [[nodiscard]] std::chrono::steady_clock::time_point last_seen() const;

 private:
  const std::string id_;
  const std::shared_ptr<kernel_link> link_;
  mutable std::mutex mutex_;
  v2::Settings settings_;
  std::vector<std::weak_ptr<command_sink>> sinks_;
  std::set<std::string> producer_groups_;
  std::chrono::steady_clock::time_point last_seen_ = std::chrono::steady_clock::now();
};

class client_registry {
 public:
  // Called for each push a client's kernel connection receives.
  using push_handler = std::function<void(const std::shared_ptr<client_session>&, wire::code,
                                          std::span<const uint8_t>)>;

  client_registry(const sdk::connection_port& port, boost::asio::thread_pool& executor,
                  push_handler on_push)
      : port_(port), executor_(executor), on_push_(std::move(on_push)) {}

  // The client's session, opened on first use; nullptr with `refusal` when the kernel refuses
  // the connection (shutting down, too many connections).
  std::shared_ptr<client_session> session(const std::string& client_id, const std::string& peer,
                                          const std::string& local, std::string& refusal);
  // Close the sessions of `client_id` (under any account).
  void forget_client(const std::string& client_id);
  // Forget clients idle for `idle` with no Telemetry stream open.
  void sweep(std::chrono::milliseconds idle);
  void close_all();
  [[nodiscard]] size_t size() const;

 private:
  const sdk::connection_port& port_;
  boost::asio::thread_pool& executor_;
  push_handler on_push_;
  mutable std::mutex mutex_;
  bool closed_ = false;
  std::unordered_map<std::string, std::shared_ptr<client_session>> sessions_;
};

}  // namespace berth::transport_grpc
