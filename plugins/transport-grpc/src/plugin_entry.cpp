// libberth-transport-grpc.so: RocketMQ 5's gRPC protocol, for the official RocketMQ clients.
#include "grpc_config.hpp"
#include "grpc_transport.hpp"

BERTH_DEFINE_TRANSPORT_PLUGIN(berth::transport_grpc::grpc_transport, "grpc", "0.1.0",
                              "RocketMQ 5 gRPC (apache.rocketmq.v2.MessagingService) for the official RocketMQ clients (docs/rocketmq-compat.md)",
                              berth::transport_grpc::grpc_schema())
