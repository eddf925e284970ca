// END_TRANSACTION and PRODUCER_REGISTER.
#include "transaction/transaction_service.hpp"

#include "log/logger.hpp"
#include "protocol/store_status.hpp"
#include "store/message_view.hpp"
#include "topic/system_topics.hpp"
#include "transaction/half_messages.hpp"

#include <berth/wire/properties.hpp>

#include <fmt/format.h>

namespace berth::kernel::transaction {
namespace {

using protocol::status_of_store_error;
using wire::transaction_resolution;

log::logger_ptr logger() { return log::module("transaction"); }

std::string describe(std::string_view id, std::string_view group, uint64_t offset) {
  return fmt::format("transaction '{}' of producer group '{}' (half offset {})", id, group, offset);
}

}  // namespace

void transaction_service::producer_register(const protocol::request& req,
                                            const protocol::responder& answer) {
  auto decoded = wire::decode<wire::producer_register_request>(req.body, req.header.code);
  if (!decoded) return answer.fail(decoded.error().status, decoded.error().message);
  if (decoded->producer_group.empty()) {
    return answer.fail(wire::status::invalid_argument, "the producer group is empty");
  }
  producers_.add(answer.connection(), std::string(decoded->producer_group));
  answer.ok();
}

void transaction_service::end_transaction(const protocol::request& req,
                                          const protocol::responder& answer) {
  auto decoded = wire::decode<wire::end_transaction_request>(req.body, req.header.code);
  if (!decoded) return answer.fail(decoded.error().status, decoded.error().message);
  const wire::end_transaction_request& end = decoded.value();
  if (!wire::known(end.resolution)) {
    return answer.fail(wire::status::invalid_argument,
                       fmt::format("resolution {} is not one of 0 (unknown), 1 (commit), 2 "
                                   "(rollback)",
                                   static_cast<unsigned>(end.resolution)));
  }
  if (end.producer_group.empty() || end.transaction_id.empty()) {
    return answer.fail(wire::status::invalid_argument,
                       "END_TRANSACTION names a producer group and a transaction id");
  }
  if (end.resolution == transaction_resolution::unknown) {
    // Nothing to do but to say whether the transaction is one to ask about later.
    const auto pending = table_->find(end.half_offset);
    if (!pending) return refuse_not_pending(end, answer);
    const bool same = (pending->transaction_id == end.transaction_id ||
                       pending->message_id == end.transaction_id) &&
                      pending->producer_group == end.producer_group;
    if (same) return answer.ok();
    return answer.fail(wire::status::unknown_transaction,
                       "no " + describe(end.transaction_id, end.producer_group, end.half_offset) +
                           " is pending");
  }
  const claim c = table_->claim_for(end.half_offset, end.transaction_id, end.producer_group);
  switch (c.status) {
    case claim_status::not_pending: return refuse_not_pending(end, answer);
    case claim_status::mismatch:
      return answer.fail(wire::status::unknown_transaction,
                         "no " + describe(end.transaction_id, end.producer_group, end.half_offset) +
                             " is pending");
    case claim_status::busy:
      return answer.fail(wire::status::busy,
                         describe(end.transaction_id, end.producer_group, end.half_offset) +
                             " is being resolved: ask again");
    case claim_status::claimed: break;
  }
  const uint64_t offset = c.half.offset;
  const bool maybe_committed = c.half.maybe_committed;
  const auto posted = scheduler_.post(
      owner_, std::chrono::nanoseconds(0),
      [this, half = c.half, how = end.resolution, answer] { resolve(half, how, answer); },
      [this, offset, maybe_committed, answer] {
        table_->release(offset, maybe_committed);
        answer.fail(wire::status::shutting_down, "the broker is shutting down");
      });
  if (posted == 0) {
    table_->release(offset, maybe_committed);
    answer.fail(wire::status::shutting_down, "the broker is shutting down");
  }
}

void transaction_service::refuse_not_pending(const wire::end_transaction_request& end,
                                             const protocol::responder& answer) {
  const std::string what = describe(end.transaction_id, end.producer_group, end.half_offset);
  auto half = store_.read({.topic = topic::transaction_half_topic,
                           .queue_id = 0,
                           .offset = end.half_offset,
                           .max_messages = 1});
  const bool stored = half && half.value().found() &&
                      half.value()[0].queue_offset == end.half_offset &&
                      is_transaction(half.value()[0], end.transaction_id, end.producer_group);
  if (stored) {
    return answer.fail(wire::status::transaction_resolved,
                       what + " was resolved already (committed or rolled back)");
  }
  answer.fail(wire::status::unknown_transaction, "no " + what + " is known");
}

void transaction_service::resolve(const pending_half& pending, transaction_resolution how,
                                  const protocol::responder& answer) {
  const uint64_t offset = pending.offset;
  const auto refuse = [&](wire::status status, const std::string& message, bool committed) {
    table_->release(offset, committed);
    answer.fail(status, message);
  };
  auto half = read_half(offset);
  if (!half) {
    if (half.error().code != BERTH_E_NOT_FOUND) {
      return refuse(status_of_store_error(half.error().code), half.error().message,
                    pending.maybe_committed);
    }
    table_->forget(offset);  // retention took it: nothing can be resolved any more
    return answer.fail(wire::status::unknown_transaction, half.error().message);
  }
  const berth_message_view& view = half.value()[0];
  bool committed = false;
  if (pending.maybe_committed) {
    auto found = committed_copy_exists(view);
    if (!found) {
      return refuse(status_of_store_error(found.error().code), found.error().message, true);
    }
    committed = found.value();
  }
  const bool was_committed = committed;
  if (how == transaction_resolution::commit && !committed) {
    auto real = committed_copy_of(view);
    if (!real) {
      return refuse(wire::status::internal,
                    "the half message names no valid REAL_TOPIC / REAL_QID", false);
    }
    if (!topics_.find(real->topic())) {
      return refuse(wire::status::no_topic,
                    "topic '" + real->topic() + "' of the transaction no longer exists", false);
    }
    auto appended = append_one(*real);
    if (!appended) {
      return refuse(status_of_store_error(appended.error().code), appended.error().message,
                    pending.maybe_committed);
    }
    committed = true;
  }
  auto op = append_op(offset);
  if (!op) {
    return refuse(status_of_store_error(op.error().code), op.error().message,
                  committed || pending.maybe_committed);
  }
  table_->resolved(offset, op.value());
  if (how == transaction_resolution::rollback && was_committed) {
    return answer.fail(wire::status::transaction_resolved,
                       describe(pending.transaction_id, pending.producer_group, offset) +
                           " was committed already");
  }
  logger()->debug("{}: {}", describe(pending.transaction_id, pending.producer_group, offset),
                  wire::name(how));
  answer.ok();
}

}  // namespace berth::kernel::transaction
