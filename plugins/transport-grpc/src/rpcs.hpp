// The RPCs of apache.rocketmq.v2.MessagingService, one function each, grouped by file:
// route_rpc.cpp (routes, assignments, heartbeats, termination), send_rpc.cpp (send, recall),
// receive_rpc.cpp,
// ack_rpc.cpp (ack, invisibility, dead letters), transaction_rpc.cpp, telemetry_rpc.cpp.
// Each answers through the reactor it returns, from whichever thread the answer is ready on.
#pragma once

#include "gateway.hpp"

#include <apache/rocketmq/v2/service.grpc.pb.h>

namespace berth::transport_grpc {

using unary = grpc::ServerUnaryReactor;
using ctx_t = grpc::CallbackServerContext;

unary* query_route(gateway& g, ctx_t* ctx, const v2::QueryRouteRequest* req,
                   v2::QueryRouteResponse* resp);
unary* query_assignment(gateway& g, ctx_t* ctx, const v2::QueryAssignmentRequest* req,
                        v2::QueryAssignmentResponse* resp);
unary* heartbeat(gateway& g, ctx_t* ctx, const v2::HeartbeatRequest* req,
                 v2::HeartbeatResponse* resp);
unary* notify_client_termination(gateway& g, ctx_t* ctx,
                                 const v2::NotifyClientTerminationRequest* req,
                                 v2::NotifyClientTerminationResponse* resp);

unary* send_message(gateway& g, ctx_t* ctx, const v2::SendMessageRequest* req,
                    v2::SendMessageResponse* resp);

grpc::ServerWriteReactor<v2::ReceiveMessageResponse>* receive_message(
    gateway& g, ctx_t* ctx, const v2::ReceiveMessageRequest* req);

unary* ack_message(gateway& g, ctx_t* ctx, const v2::AckMessageRequest* req,
                   v2::AckMessageResponse* resp);
unary* change_invisible_duration(gateway& g, ctx_t* ctx,
                                 const v2::ChangeInvisibleDurationRequest* req,
                                 v2::ChangeInvisibleDurationResponse* resp);
unary* forward_to_dead_letter_queue(gateway& g, ctx_t* ctx,
                                    const v2::ForwardMessageToDeadLetterQueueRequest* req,
                                    v2::ForwardMessageToDeadLetterQueueResponse* resp);

unary* end_transaction(gateway& g, ctx_t* ctx, const v2::EndTransactionRequest* req,
                       v2::EndTransactionResponse* resp);
// A CHECK_TRANSACTION push on a client's kernel link: ask the producer on its Telemetry stream.
void on_check_transaction(const std::shared_ptr<client_session>& session,
                          std::span<const uint8_t> body);
// Let the kernel push the check-backs of `producer_group` to this client.
void register_producer_group(client_session& session, const std::string& producer_group);

grpc::ServerBidiReactor<v2::TelemetryCommand, v2::TelemetryCommand>* telemetry(gateway& g,
                                                                               ctx_t* ctx);

unary* recall_message(gateway& g, ctx_t* ctx, const v2::RecallMessageRequest* req,
                      v2::RecallMessageResponse* resp);

// Finish a unary call whose response is filled in.
inline unary* finished(ctx_t* ctx) {
  unary* r = ctx->DefaultReactor();
  r->Finish(grpc::Status::OK);
  return r;
}

}  // namespace berth::transport_grpc
