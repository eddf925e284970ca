#include "gateway.hpp"

#include "call_credentials.hpp"

namespace berth::transport_grpc {
namespace {

std::optional<std::string_view> header(const grpc::CallbackServerContext* ctx,
                                       std::string_view name) {
  const auto& metadata = ctx->client_metadata();
  const auto it = metadata.find(grpc::string_ref(name.data(), name.size()));
  if (it == metadata.end()) return std::nullopt;
  return std::string_view(it->second.data(), it->second.size());
}

// "ipv4:127.0.0.1:5000" (gRPC's peer) as "127.0.0.1:5000", as the other transports say it.
std::string peer_address(const std::string& peer) {
  for (const std::string_view scheme : {"ipv4:", "ipv6:"}) {
    if (peer.starts_with(scheme)) return peer.substr(scheme.size());
  }
  return peer;
}

}  // namespace

std::string client_id_of(const grpc::CallbackServerContext* ctx) {
  const auto id = header(ctx, "x-mq-client-id");
  return id ? std::string(*id) : std::string();
}

std::shared_ptr<client_session> session_of(gateway& g, grpc::CallbackServerContext* ctx,
                                           v2::Status* status) {
  auto credentials =
      parse_call_credentials(header(ctx, "authorization"), header(ctx, "x-mq-date-time"));
  if (const auto* malformed = std::get_if<std::string>(&credentials)) {
    set_status(status, v2::UNAUTHORIZED, *malformed);
    return nullptr;
  }
  const auto* signed_by = std::get_if<call_credentials>(&credentials);
  const std::string peer = peer_address(ctx->peer());
  std::string id = client_id_of(ctx);
  if (id.empty()) id = peer;
  // One kernel connection per client and account: a connection runs as one identity.
  if (signed_by != nullptr) id += "\n" + signed_by->access_key;
  std::string refusal;
  auto session = g.clients.session(id, peer, g.bound_endpoint, refusal);
  if (!session) {
    set_status(status, v2::INTERNAL_ERROR, "cannot serve the client: " + refusal);
    return nullptr;
  }
  if (signed_by != nullptr) {
    const berth_status verdict = session->link().authenticate(signed_by->abi(), refusal);
    if (verdict != BERTH_OK) {
      set_status(status, verdict == BERTH_E_CLOSED ? v2::INTERNAL_ERROR : v2::UNAUTHORIZED,
                 refusal);
      return nullptr;
    }
  }
  return session;
}

int64_t remaining_ms(const grpc::CallbackServerContext* ctx) {
  const auto deadline = ctx->deadline();
  const auto now = std::chrono::system_clock::now();
  if (deadline == std::chrono::system_clock::time_point::max()) return INT64_MAX / 2;
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
}

}  // namespace berth::transport_grpc
