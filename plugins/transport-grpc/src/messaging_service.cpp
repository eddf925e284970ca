#include "messaging_service.hpp"

#include "rpcs.hpp"

namespace berth::transport_grpc {

grpc::ServerUnaryReactor* messaging_service::QueryRoute(grpc::CallbackServerContext* ctx,
                                                        const v2::QueryRouteRequest* req,
                                                        v2::QueryRouteResponse* resp) {
  return query_route(g_, ctx, req, resp);
}

grpc::ServerUnaryReactor* messaging_service::Heartbeat(grpc::CallbackServerContext* ctx,
                                                       const v2::HeartbeatRequest* req,
                                                       v2::HeartbeatResponse* resp) {
  return heartbeat(g_, ctx, req, resp);
}

grpc::ServerUnaryReactor* messaging_service::SendMessage(grpc::CallbackServerContext* ctx,
                                                         const v2::SendMessageRequest* req,
                                                         v2::SendMessageResponse* resp) {
  return send_message(g_, ctx, req, resp);
}

grpc::ServerUnaryReactor* messaging_service::QueryAssignment(
    grpc::CallbackServerContext* ctx, const v2::QueryAssignmentRequest* req,
    v2::QueryAssignmentResponse* resp) {
  return query_assignment(g_, ctx, req, resp);
}

grpc::ServerWriteReactor<v2::ReceiveMessageResponse>* messaging_service::ReceiveMessage(
    grpc::CallbackServerContext* ctx, const v2::ReceiveMessageRequest* req) {
  return receive_message(g_, ctx, req);
}

grpc::ServerUnaryReactor* messaging_service::AckMessage(grpc::CallbackServerContext* ctx,
                                                        const v2::AckMessageRequest* req,
                                                        v2::AckMessageResponse* resp) {
  return ack_message(g_, ctx, req, resp);
}

grpc::ServerUnaryReactor* messaging_service::ForwardMessageToDeadLetterQueue(
    grpc::CallbackServerContext* ctx, const v2::ForwardMessageToDeadLetterQueueRequest* req,
    v2::ForwardMessageToDeadLetterQueueResponse* resp) {
  return forward_to_dead_letter_queue(g_, ctx, req, resp);
}

grpc::ServerUnaryReactor* messaging_service::EndTransaction(grpc::CallbackServerContext* ctx,
                                                            const v2::EndTransactionRequest* req,
                                                            v2::EndTransactionResponse* resp) {
  return end_transaction(g_, ctx, req, resp);
}

grpc::ServerBidiReactor<v2::TelemetryCommand, v2::TelemetryCommand>*
messaging_service::Telemetry(grpc::CallbackServerContext* ctx) {
  return telemetry(g_, ctx);
}

grpc::ServerUnaryReactor* messaging_service::NotifyClientTermination(
    grpc::CallbackServerContext* ctx, const v2::NotifyClientTerminationRequest* req,
    v2::NotifyClientTerminationResponse* resp) {
  return notify_client_termination(g_, ctx, req, resp);
}

grpc::ServerUnaryReactor* messaging_service::ChangeInvisibleDuration(
    grpc::CallbackServerContext* ctx, const v2::ChangeInvisibleDurationRequest* req,
    v2::ChangeInvisibleDurationResponse* resp) {
  return change_invisible_duration(g_, ctx, req, resp);
}

grpc::ServerUnaryReactor* messaging_service::RecallMessage(grpc::CallbackServerContext* ctx,
                                                           const v2::RecallMessageRequest* req,
                                                           v2::RecallMessageResponse* resp) {
  return recall_message(g_, ctx, req, resp);
}

}  // namespace berth::transport_grpc
