// SendMessage: each message checked and converted, then one native SEND each (the clients send
// one message per call); one entry per message, in order.
#include "message_codec.hpp"
#include "rpcs.hpp"
#include "tokens.hpp"
#include "topic_queues.hpp"

#include <berth/wire/bodies.hpp>
#include <berth/wire/records.hpp>

#include <atomic>
#include <set>

namespace berth::transport_grpc {
namespace {

// The top-level status of a multi-entry response, as RocketMQ sets it: OK, the one code
// all entries share, or MULTIPLE_RESULTS.
void aggregate(const v2::SendMessageResponse& resp, v2::Status* out) {
  std::set<int> codes;
  for (const v2::SendResultEntry& e : resp.entries()) codes.insert(e.status().code());
  if (codes.size() == 1) {
    *out = resp.entries(0).status();
  } else {
    set_status(out, v2::MULTIPLE_RESULTS, "the messages had different outcomes");
  }
}

struct send_call {
  unary* reactor;
  v2::SendMessageResponse* resp;
  std::atomic<int> outstanding;

  void done_one() {
    if (outstanding.fetch_sub(1) != 1) return;
    aggregate(*resp, resp->mutable_status());
    reactor->Finish(grpc::Status::OK);
    delete this;
  }
};

void send_one(const std::shared_ptr<client_session>& session, send_call* call,
              v2::SendResultEntry* entry, const std::shared_ptr<outgoing_message>& message) {
  std::vector<wire::property> storage;
  const wire::message record = message->record(storage);
  session->link().call(wire::code::send, record, [call, entry, message](const kernel_reply& reply) {
    entry->set_message_id(message->client_message_id);
    if (!reply.ok()) {
      set_status(entry->mutable_status(), code_of(reply.status), reply.error);
    } else if (auto r = wire::decode<wire::send_result>(reply.body, wire::code::send,
                                                        wire::kind::response)) {
      set_ok(entry->mutable_status());
      entry->set_offset(static_cast<int64_t>(r->queue_offset));
      entry->set_transaction_id(message->type == v2::TRANSACTION
                                    ? encode_offset_token({r->queue_offset, std::string(r->message_id)})
                                    : message->client_message_id);
      // A parked delayed message can be recalled until it is due (RecallMessage).
      if (message->parked) {
        entry->set_recall_handle(encode_offset_token({r->queue_offset, message->client_message_id}));
      }
    } else {
      set_status(entry->mutable_status(), v2::INTERNAL_SERVER_ERROR, r.error().message);
    }
    call->done_one();
  });
}

// A FIFO message goes to its group's queue, which needs the topic's queue count.
void send_fifo(gateway& g, const std::shared_ptr<client_session>& session, send_call* call,
               v2::SendResultEntry* entry, const std::shared_ptr<outgoing_message>& message) {
  if (const auto queues = g.queue_counts.find(message->topic)) {
    message->queue_id = static_cast<int32_t>(queue_of_group(message->message_group, *queues));
    return send_one(session, call, entry, message);
  }
  session->link().call(
      wire::code::topic_describe, wire::topic_request{message->topic},
      [&g, session, call, entry, message](const kernel_reply& reply) {
        const auto fail = [&](v2::Code code, const std::string& why) {
          entry->set_message_id(message->client_message_id);
          set_status(entry->mutable_status(), code, why);
          call->done_one();
        };
        if (!reply.ok()) return fail(code_of(reply.status), reply.error);
        auto d = wire::decode<wire::topic_describe_response>(reply.body, wire::code::topic_describe,
                                                             wire::kind::response);
        if (!d) return fail(v2::INTERNAL_SERVER_ERROR, d.error().message);
        g.queue_counts.remember(message->topic, d->queues);
        message->queue_id = static_cast<int32_t>(queue_of_group(message->message_group, d->queues));
        send_one(session, call, entry, message);
      });
}

}  // namespace

unary* send_message(gateway& g, ctx_t* ctx, const v2::SendMessageRequest* req,
                    v2::SendMessageResponse* resp) {
  auto session = session_of(g, ctx, resp->mutable_status());
  if (!session) return finished(ctx);
  if (req->messages_size() == 0) {
    set_status(resp->mutable_status(), v2::BAD_REQUEST, "no message to send");
    return finished(ctx);
  }
  for (int i = 0; i < req->messages_size(); ++i) resp->add_entries();
  auto* call = new send_call{ctx->DefaultReactor(), resp, {req->messages_size()}};
  unary* reactor = call->reactor;
  const send_limits limits{g.config.max_body_size};
  for (int i = 0; i < req->messages_size(); ++i) {
    v2::SendResultEntry* entry = resp->mutable_entries(i);
    auto converted = to_outgoing(req->messages(i), limits);
    if (auto* refused = std::get_if<refusal>(&converted)) {
      set_status(entry->mutable_status(), refused->code, refused->message);
      call->done_one();
      continue;
    }
    auto message = std::make_shared<outgoing_message>(std::move(std::get<outgoing_message>(converted)));
    if (message->type == v2::TRANSACTION) register_producer_group(*session, message->topic);
    if (message->message_group.empty()) {
      send_one(session, call, entry, message);
    } else {
      send_fifo(g, session, call, entry, message);
    }
  }
  return reactor;
}

unary* recall_message(gateway& g, ctx_t* ctx, const v2::RecallMessageRequest* req,
                      v2::RecallMessageResponse* resp) {
  auto session = session_of(g, ctx, resp->mutable_status());
  if (!session) return finished(ctx);
  const auto token = decode_offset_token(req->recall_handle());
  if (!token) {
    set_status(resp->mutable_status(), v2::BAD_REQUEST,
               "recall handle '" + req->recall_handle().substr(0, 64) +
                   "' is not one this broker gave");
    return finished(ctx);
  }
  unary* reactor = ctx->DefaultReactor();
  const std::string id = token->id;
  session->link().call(wire::code::recall,
                       wire::recall_request{req->topic().name(), token->offset, token->id},
                       [reactor, resp, id](const kernel_reply& reply) {
                         if (reply.ok()) {
                           set_ok(resp->mutable_status());
                           resp->set_message_id(id);
                         } else {
                           set_status(resp->mutable_status(), code_of(reply.status), reply.error);
                         }
                         reactor->Finish(grpc::Status::OK);
                       });
  return reactor;
}

}  // namespace berth::transport_grpc
