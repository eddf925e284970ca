// AckMessage, ChangeInvisibleDuration, ForwardMessageToDeadLetterQueue: a delivered message
// named by its receipt handle, which the kernel verifies.
#include "message_codec.hpp"
#include "rpcs.hpp"
#include "tokens.hpp"

#include <berth/wire/bodies.hpp>
#include <berth/wire/pop_bodies.hpp>
#include <berth/wire/retry_bodies.hpp>

#include <atomic>
#include <set>

namespace berth::transport_grpc {
namespace {

constexpr int64_t max_invisible_ms = 12LL * 3600 * 1000;
// How long a message being moved to the dead-letter queue is held from other consumers.
constexpr uint32_t dead_letter_hold_ms = 60'000;

int64_t to_ms(const google::protobuf::Duration& d) {
  return d.seconds() * 1000 + d.nanos() / 1'000'000;
}

std::string bad_handle(std::string_view handle) {
  return "receipt handle '" + std::string(handle.substr(0, 64)) + "' is not one this broker gave";
}

struct ack_call {
  unary* reactor;
  v2::AckMessageResponse* resp;
  std::atomic<int> outstanding;

  void done_one() {
    if (outstanding.fetch_sub(1) != 1) return;
    std::set<int> codes;
    for (const auto& e : resp->entries()) codes.insert(e.status().code());
    if (codes.size() == 1) {
      *resp->mutable_status() = resp->entries(0).status();
    } else {
      set_status(resp->mutable_status(), v2::MULTIPLE_RESULTS, "the entries had different outcomes");
    }
    reactor->Finish(grpc::Status::OK);
    delete this;
  }
};

}  // namespace

unary* ack_message(gateway& g, ctx_t* ctx, const v2::AckMessageRequest* req,
                   v2::AckMessageResponse* resp) {
  auto session = session_of(g, ctx, resp->mutable_status());
  if (!session) return finished(ctx);
  if (req->entries_size() == 0) {
    set_status(resp->mutable_status(), v2::BAD_REQUEST, "no entry to acknowledge");
    return finished(ctx);
  }
  for (int i = 0; i < req->entries_size(); ++i) resp->add_entries();
  auto* call = new ack_call{ctx->DefaultReactor(), resp, {req->entries_size()}};
  unary* reactor = call->reactor;
  const std::string group = req->group().name();
  const std::string topic = req->topic().name();
  for (int i = 0; i < req->entries_size(); ++i) {
    const v2::AckMessageEntry& in = req->entries(i);
    v2::AckMessageResultEntry* entry = resp->mutable_entries(i);
    entry->set_message_id(in.message_id());
    entry->set_receipt_handle(in.receipt_handle());
    const auto token = decode_receipt(in.receipt_handle());
    if (!token) {
      set_status(entry->mutable_status(), v2::INVALID_RECEIPT_HANDLE, bad_handle(in.receipt_handle()));
      call->done_one();
      continue;
    }
    const std::string on_topic = ack_topic(*token, topic, group);
    session->link().call(wire::code::ack, wire::ack_request{group, on_topic, token->native},
                         [call, entry](const kernel_reply& reply) {
                           if (reply.ok()) {
                             set_ok(entry->mutable_status());
                           } else {
                             set_status(entry->mutable_status(), code_of(reply.status), reply.error);
                           }
                           call->done_one();
                         });
  }
  return reactor;
}

unary* change_invisible_duration(gateway& g, ctx_t* ctx,
                                 const v2::ChangeInvisibleDurationRequest* req,
                                 v2::ChangeInvisibleDurationResponse* resp) {
  auto session = session_of(g, ctx, resp->mutable_status());
  if (!session) return finished(ctx);
  const auto token = decode_receipt(req->receipt_handle());
  if (!token) {
    set_status(resp->mutable_status(), v2::INVALID_RECEIPT_HANDLE, bad_handle(req->receipt_handle()));
    return finished(ctx);
  }
  const int64_t invisible = to_ms(req->invisible_duration());
  if (invisible < 0 || invisible > max_invisible_ms) {
    set_status(resp->mutable_status(), v2::ILLEGAL_INVISIBLE_TIME,
               "invisible duration " + std::to_string(invisible) + " ms is outside 0 .. 12 h");
    return finished(ctx);
  }
  unary* reactor = ctx->DefaultReactor();
  const std::string group = req->group().name();
  const std::string on_topic = ack_topic(*token, req->topic().name(), group);
  const receipt_token old_token = *token;
  session->link().call(
      wire::code::change_invisible,
      wire::change_invisible_request{group, on_topic, token->native,
                                     static_cast<uint32_t>(invisible)},
      [reactor, resp, old_token](const kernel_reply& reply) {
        if (!reply.ok()) {
          set_status(resp->mutable_status(), code_of(reply.status), reply.error);
        } else if (auto r = wire::decode<wire::change_invisible_response>(
                       reply.body, wire::code::change_invisible, wire::kind::response)) {
          receipt_token renewed = old_token;
          renewed.native = std::string(r->receipt_handle);
          resp->set_receipt_handle(encode_receipt(renewed));
          set_ok(resp->mutable_status());
        } else {
          set_status(resp->mutable_status(), v2::INTERNAL_SERVER_ERROR, r.error().message);
        }
        reactor->Finish(grpc::Status::OK);
      });
  return reactor;
}

unary* forward_to_dead_letter_queue(gateway& g, ctx_t* ctx,
                                    const v2::ForwardMessageToDeadLetterQueueRequest* req,
                                    v2::ForwardMessageToDeadLetterQueueResponse* resp) {
  auto session = session_of(g, ctx, resp->mutable_status());
  if (!session) return finished(ctx);
  const auto token = decode_receipt(req->receipt_handle());
  if (!token) {
    set_status(resp->mutable_status(), v2::INVALID_RECEIPT_HANDLE, bad_handle(req->receipt_handle()));
    return finished(ctx);
  }
  unary* reactor = ctx->DefaultReactor();
  auto link = session->link().shared_from_this();
  const auto fail = [reactor, resp](v2::Code code, const std::string& why) {
    set_status(resp->mutable_status(), code, why);
    reactor->Finish(grpc::Status::OK);
  };
  const std::string group = req->group().name();
  const std::string topic = ack_topic(*token, req->topic().name(), group);
  // 1. Hold the message (this checks the handle), 2. copy it to %DLQ%<group> (SEND_BACK with
  // level -1), 3. settle it for the group with the handle step 1 gave.
  link->call(
      wire::code::change_invisible,
      wire::change_invisible_request{group, topic, token->native, dead_letter_hold_ms},
      [link, fail, reactor, resp, group, topic, token = *token](const kernel_reply& held) {
        if (!held.ok()) return fail(code_of(held.status), held.error);
        auto renewed = wire::decode<wire::change_invisible_response>(
            held.body, wire::code::change_invisible, wire::kind::response);
        if (!renewed) return fail(v2::INTERNAL_SERVER_ERROR, renewed.error().message);
        std::string handle(renewed->receipt_handle);
        wire::send_back_request back;
        back.group = group;
        back.topic = topic;
        back.queue_id = token.queue_id;
        back.queue_offset = token.queue_offset;
        back.delay_level = -1;  // dead letters now
        link->call(wire::code::send_back, back,
                   [link, fail, reactor, resp, group, topic, handle](const kernel_reply& moved) {
                     if (!moved.ok()) return fail(code_of(moved.status), moved.error);
                     link->call(wire::code::ack, wire::ack_request{group, topic, handle},
                                [fail, reactor, resp](const kernel_reply& acked) {
                                  if (!acked.ok()) return fail(code_of(acked.status), acked.error);
                                  set_ok(resp->mutable_status());
                                  reactor->Finish(grpc::Status::OK);
                                });
                   });
      });
  return reactor;
}

}  // namespace berth::transport_grpc
