// EndTransaction and the transaction check-back: RocketMQ 5's producer group of a transaction
// is its topic, so a producer that announced a topic answers for its transactions.
#include "message_codec.hpp"
#include "rpcs.hpp"
#include "tokens.hpp"

#include <berth/wire/properties.hpp>
#include <berth/wire/transaction_bodies.hpp>

namespace berth::transport_grpc {

void register_producer_group(client_session& session, const std::string& producer_group) {
  if (!session.first_producer_group(producer_group)) return;
  session.link().call(wire::code::producer_register,
                      wire::producer_register_request{session.client_id(), producer_group},
                      [](const kernel_reply&) {});
}

unary* end_transaction(gateway& g, ctx_t* ctx, const v2::EndTransactionRequest* req,
                       v2::EndTransactionResponse* resp) {
  auto session = session_of(g, ctx, resp->mutable_status());
  if (!session) return finished(ctx);
  const auto token = decode_offset_token(req->transaction_id());
  if (!token) {
    set_status(resp->mutable_status(), v2::INVALID_TRANSACTION_ID,
               "transaction id '" + req->transaction_id().substr(0, 64) +
                   "' is not one this broker gave");
    return finished(ctx);
  }
  wire::transaction_resolution resolution = wire::transaction_resolution::unknown;
  if (req->resolution() == v2::COMMIT) resolution = wire::transaction_resolution::commit;
  if (req->resolution() == v2::ROLLBACK) resolution = wire::transaction_resolution::rollback;
  unary* reactor = ctx->DefaultReactor();
  wire::end_transaction_request end;
  end.producer_group = req->topic().name();
  end.transaction_id = token->id;
  end.half_offset = token->offset;
  end.resolution = resolution;
  end.from_check = req->source() == v2::SOURCE_SERVER_CHECK;
  session->link().call(wire::code::end_transaction, end, [reactor, resp](const kernel_reply& reply) {
    if (reply.ok()) {
      set_ok(resp->mutable_status());
    } else {
      set_status(resp->mutable_status(), code_of(reply.status), reply.error);
    }
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

void on_check_transaction(const std::shared_ptr<client_session>& session,
                          std::span<const uint8_t> body) {
  auto check = wire::decode<wire::check_transaction_push>(body, wire::code::check_transaction,
                                                          wire::kind::push);
  if (!check) return;
  v2::TelemetryCommand command;
  v2::RecoverOrphanedTransactionCommand* recover =
      command.mutable_recover_orphaned_transaction_command();
  to_v2(check->half, nullptr, recover->mutable_message());
  // The half waits in the broker's own topic; the producer knows it by its real one.
  for (const wire::property& p : check->half.properties) {
    if (p.name == wire::properties::real_topic) {
      recover->mutable_message()->mutable_topic()->set_name(std::string(p.value));
    }
  }
  recover->set_transaction_id(
      encode_offset_token({check->half_offset, std::string(check->transaction_id)}));
  // No stream open: the kernel asks again at its next check.
  (void)session->send_command(command);
}

}  // namespace berth::transport_grpc
