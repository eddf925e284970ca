// QueryRoute, QueryAssignment, Heartbeat, NotifyClientTermination.
#include "rpcs.hpp"

#include <berth/wire/bodies.hpp>

namespace berth::transport_grpc {
namespace {

v2::Permission permission_of(uint8_t perm) {
  const bool read = (perm & wire::perm_read) != 0;
  const bool write = (perm & wire::perm_write) != 0;
  if (read && write) return v2::READ_WRITE;
  if (read) return v2::READ;
  if (write) return v2::WRITE;
  return v2::NONE;
}

// The endpoints routes name: `advertise`, else what the client dialled, else the bound address.
void set_endpoints(const gateway& g, const v2::Endpoints& dialled, v2::Endpoints* out) {
  std::string host_port = g.config.advertise;
  if (host_port.empty() && dialled.addresses_size() > 0) {
    *out = dialled;
    out->mutable_addresses()->DeleteSubrange(1, dialled.addresses_size() - 1);
    return;
  }
  if (host_port.empty()) host_port = g.bound_endpoint;
  const auto colon = host_port.rfind(':');
  v2::Address* address = out->add_addresses();
  address->set_host(host_port.substr(0, colon));
  address->set_port(std::stoi(host_port.substr(colon + 1)));
  const bool ipv4 = address->host().find_first_not_of("0123456789.") == std::string::npos;
  out->set_scheme(ipv4 ? v2::IPv4 : v2::DOMAIN_NAME);
}

void fill_queue(const gateway& g, const std::string& topic, int32_t id, uint8_t perm,
                const v2::Endpoints& dialled, v2::MessageQueue* q) {
  q->mutable_topic()->set_name(topic);
  q->set_id(id);
  q->set_permission(permission_of(perm));
  v2::Broker* broker = q->mutable_broker();
  broker->set_name(g.broker_name);
  broker->set_id(0);
  set_endpoints(g, dialled, broker->mutable_endpoints());
  // Any topic takes every type: the kind of a message is its own, not its topic's.
  for (const v2::MessageType t : {v2::NORMAL, v2::FIFO, v2::DELAY, v2::TRANSACTION}) {
    q->add_accept_message_types(t);
  }
}

// TOPIC_DESCRIBE, then `answer(queues, perm)` on success; a failure is mapped into `status`.
template <class Answer>
void describe_topic(client_session& s, const std::string& topic, v2::Status* status,
                    unary* reactor, Answer answer) {
  s.link().call(wire::code::topic_describe, wire::topic_request{topic},
                [status, reactor, topic, answer](const kernel_reply& reply) {
                  if (!reply.ok()) {
                    set_status(status, code_of(reply.status),
                               reply.status == wire::status::no_topic
                                   ? "topic '" + topic + "' does not exist"
                                   : reply.error);
                  } else if (auto d = wire::decode<wire::topic_describe_response>(
                                 reply.body, wire::code::topic_describe, wire::kind::response)) {
                    answer(d->queues, d->perm);
                    set_ok(status);
                  } else {
                    set_status(status, v2::INTERNAL_SERVER_ERROR, d.error().message);
                  }
                  reactor->Finish(grpc::Status::OK);
                });
}

}  // namespace

unary* query_route(gateway& g, ctx_t* ctx, const v2::QueryRouteRequest* req,
                   v2::QueryRouteResponse* resp) {
  auto session = session_of(g, ctx, resp->mutable_status());
  if (!session) return finished(ctx);
  if (req->topic().name().empty()) {
    set_status(resp->mutable_status(), v2::ILLEGAL_TOPIC, "the topic name is empty");
    return finished(ctx);
  }
  unary* reactor = ctx->DefaultReactor();
  const std::string topic = req->topic().name();
  const v2::Endpoints dialled = req->endpoints();
  describe_topic(*session, topic, resp->mutable_status(), reactor,
                 [&g, resp, topic, dialled](uint32_t queues, uint8_t perm) {
                   for (uint32_t id = 0; id < queues; ++id) {
                     fill_queue(g, topic, static_cast<int32_t>(id), perm, dialled,
                                resp->add_message_queues());
                   }
                 });
  return reactor;
}

unary* query_assignment(gateway& g, ctx_t* ctx, const v2::QueryAssignmentRequest* req,
                        v2::QueryAssignmentResponse* resp) {
  auto session = session_of(g, ctx, resp->mutable_status());
  if (!session) return finished(ctx);
  unary* reactor = ctx->DefaultReactor();
  const std::string topic = req->topic().name();
  const v2::Endpoints dialled = req->endpoints();
  // One assignment for the whole topic (queue id -1): a receive pops from every queue, and
  // the broker keeps each message group's order, so no queue needs a client of its own.
  describe_topic(*session, topic, resp->mutable_status(), reactor,
                 [&g, resp, topic, dialled](uint32_t, uint8_t perm) {
                   if ((perm & wire::perm_read) == 0) return;
                   fill_queue(g, topic, -1, perm, dialled,
                              resp->add_assignments()->mutable_message_queue());
                 });
  return reactor;
}

unary* heartbeat(gateway& g, ctx_t* ctx, const v2::HeartbeatRequest*,
                 v2::HeartbeatResponse* resp) {
  if (session_of(g, ctx, resp->mutable_status())) set_ok(resp->mutable_status());
  return finished(ctx);
}

unary* notify_client_termination(gateway& g, ctx_t* ctx, const v2::NotifyClientTerminationRequest*,
                                 v2::NotifyClientTerminationResponse* resp) {
  // Every session of the client (one per account it signed with).
  std::string id = client_id_of(ctx);
  g.clients.forget_client(id.empty() ? ctx->peer() : id);
  set_ok(resp->mutable_status());
  return finished(ctx);
}

}  // namespace berth::transport_grpc
