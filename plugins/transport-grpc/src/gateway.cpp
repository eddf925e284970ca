#include "gateway.hpp"

namespace berth::transport_grpc {

std::string client_id_of(const grpc::CallbackServerContext* ctx) {
  const auto& metadata = ctx->client_metadata();
  const auto it = metadata.find("x-mq-client-id");
  if (it == metadata.end()) return {};
  return std::string(it->second.data(), it->second.size());
}

std::shared_ptr<client_session> session_of(gateway& g, grpc::CallbackServerContext* ctx,
                                           v2::Status* status) {
  std::string id = client_id_of(ctx);
  const std::string peer = ctx->peer();
  if (id.empty()) id = peer;
  std::string refusal;
  auto session = g.clients.session(id, peer, g.bound_endpoint, refusal);
  if (!session) set_status(status, v2::INTERNAL_ERROR, "cannot serve the client: " + refusal);
  return session;
}

int64_t remaining_ms(const grpc::CallbackServerContext* ctx) {
  const auto deadline = ctx->deadline();
  const auto now = std::chrono::system_clock::now();
  if (deadline == std::chrono::system_clock::time_point::max()) return INT64_MAX / 2;
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
}

}  // namespace berth::transport_grpc
