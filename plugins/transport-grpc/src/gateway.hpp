// What every RPC handler shares: the configuration, the clients, the executor the kernel's
// answers run on, and the broker's facts. Handlers turn one RPC into native requests on the
// calling client's kernel link and answer from the replies.
#pragma once

#include "client_registry.hpp"
#include "grpc_config.hpp"
#include "topic_queues.hpp"

#include <grpcpp/grpcpp.h>

#include <boost/asio/thread_pool.hpp>

#include <memory>
#include <string>

namespace berth::transport_grpc {

struct gateway {
  const grpc_config& config;
  client_registry& clients;
  boost::asio::thread_pool& executor;
  topic_queues& queue_counts;
  std::string broker_name;
  std::string bound_endpoint;  // "ip:port" after start
};

// The calling client's session (by x-mq-client-id; by peer address when the header is
// missing), or nullptr with `status` set to why not.
std::shared_ptr<client_session> session_of(gateway& g, grpc::CallbackServerContext* ctx,
                                           v2::Status* status);

// The client id header, or "" when absent.
std::string client_id_of(const grpc::CallbackServerContext* ctx);

// Milliseconds until the call's deadline (a large value without one).
int64_t remaining_ms(const grpc::CallbackServerContext* ctx);

}  // namespace berth::transport_grpc
