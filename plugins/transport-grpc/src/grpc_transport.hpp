// transport-grpc: RocketMQ 5 clients served through a gRPC server whose RPCs become native
// requests on a kernel connection per client (gateway.hpp).
#pragma once

#include "client_registry.hpp"
#include "gateway.hpp"
#include "grpc_config.hpp"
#include "messaging_service.hpp"

#include <berth/plugin/connections.hpp>
#include <berth/plugin/transport.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

namespace berth::transport_grpc {

class grpc_transport final : public sdk::transport_plugin {
 public:
  explicit grpc_transport(sdk::host& host);
  ~grpc_transport() override;

  void start() override;
  void stop(std::chrono::nanoseconds deadline) override;
  [[nodiscard]] std::string endpoint() const override { return gateway_.bound_endpoint; }

 private:
  void schedule_sweep();
  std::shared_ptr<grpc::ServerCredentials> credentials() const;

  sdk::host& host_;
  const grpc_config config_;
  const sdk::connection_port port_;
  boost::asio::thread_pool executor_;
  client_registry clients_;
  topic_queues queue_counts_{std::chrono::seconds(30)};
  gateway gateway_;
  messaging_service service_;
  std::unique_ptr<grpc::Server> server_;
  boost::asio::steady_timer sweep_timer_;
  bool stopped_ = false;
};

}  // namespace berth::transport_grpc
