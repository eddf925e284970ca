// The gRPC service: apache.rocketmq.v2.MessagingService's callback API, each RPC handed to its
// function in rpcs.hpp. PullMessage, UpdateOffset, GetOffset, QueryOffset and
// SyncLiteSubscription are not served (gRPC UNIMPLEMENTED): the official clients do not call
// them outside lite and pull consumers.
#pragma once

#include "gateway.hpp"

#include <apache/rocketmq/v2/service.grpc.pb.h>

namespace berth::transport_grpc {

class messaging_service final : public v2::MessagingService::CallbackService {
 public:
  explicit messaging_service(gateway& g) : g_(g) {}

  grpc::ServerUnaryReactor* QueryRoute(grpc::CallbackServerContext* ctx,
                                       const v2::QueryRouteRequest* req,
                                       v2::QueryRouteResponse* resp) override;
  grpc::ServerUnaryReactor* Heartbeat(grpc::CallbackServerContext* ctx,
                                      const v2::HeartbeatRequest* req,
                                      v2::HeartbeatResponse* resp) override;
  grpc::ServerUnaryReactor* SendMessage(grpc::CallbackServerContext* ctx,
                                        const v2::SendMessageRequest* req,
                                        v2::SendMessageResponse* resp) override;
  grpc::ServerUnaryReactor* QueryAssignment(grpc::CallbackServerContext* ctx,
                                            const v2::QueryAssignmentRequest* req,
                                            v2::QueryAssignmentResponse* resp) override;
  grpc::ServerWriteReactor<v2::ReceiveMessageResponse>* ReceiveMessage(
      grpc::CallbackServerContext* ctx, const v2::ReceiveMessageRequest* req) override;
  grpc::ServerUnaryReactor* AckMessage(grpc::CallbackServerContext* ctx,
                                       const v2::AckMessageRequest* req,
                                       v2::AckMessageResponse* resp) override;
  grpc::ServerUnaryReactor* ForwardMessageToDeadLetterQueue(
      grpc::CallbackServerContext* ctx, const v2::ForwardMessageToDeadLetterQueueRequest* req,
      v2::ForwardMessageToDeadLetterQueueResponse* resp) override;
  grpc::ServerUnaryReactor* EndTransaction(grpc::CallbackServerContext* ctx,
                                           const v2::EndTransactionRequest* req,
                                           v2::EndTransactionResponse* resp) override;
  grpc::ServerBidiReactor<v2::TelemetryCommand, v2::TelemetryCommand>* Telemetry(
      grpc::CallbackServerContext* ctx) override;
  grpc::ServerUnaryReactor* NotifyClientTermination(
      grpc::CallbackServerContext* ctx, const v2::NotifyClientTerminationRequest* req,
      v2::NotifyClientTerminationResponse* resp) override;
  grpc::ServerUnaryReactor* ChangeInvisibleDuration(
      grpc::CallbackServerContext* ctx, const v2::ChangeInvisibleDurationRequest* req,
      v2::ChangeInvisibleDurationResponse* resp) override;
  grpc::ServerUnaryReactor* RecallMessage(grpc::CallbackServerContext* ctx,
                                          const v2::RecallMessageRequest* req,
                                          v2::RecallMessageResponse* resp) override;

 private:
  gateway& g_;
};

}  // namespace berth::transport_grpc
