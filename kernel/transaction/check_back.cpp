// Check-back: every check_interval, each unresolved half older than `timeout` is asked about
// (CHECK_TRANSACTION to a connected producer of its group), or parked after max_checks.
#include "transaction/transaction_service.hpp"

#include "delivery/message_reply.hpp"
#include "log/logger.hpp"
#include "topic/system_topics.hpp"
#include "transaction/checkpoint_file.hpp"
#include "transaction/half_messages.hpp"

#include <berth/wire/transaction_bodies.hpp>

namespace berth::kernel::transaction {
namespace {

log::logger_ptr logger() { return log::module("transaction"); }

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void transaction_service::schedule_checks() {
  scheduler_.post(owner_, settings_.check_interval, [this] {
    check_round();
    schedule_checks();
  });
}

void transaction_service::check_round() {
  const int64_t timeout_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(settings_.timeout).count();
  for (pending_half& half : table_->due(now_ms(), timeout_ms)) check_one(std::move(half));
  save_checkpoint_if_changed();
}

void transaction_service::check_one(pending_half due) {
  const claim c = table_->claim_any(due.offset);
  if (c.status != claim_status::claimed) return;  // resolved or being resolved meanwhile
  const pending_half& half = c.half;
  auto read = read_half(half.offset);
  if (!read) {
    if (read.error().code == BERTH_E_NOT_FOUND) {
      logger()->warn("transaction '{}' of producer group '{}': its half message (offset {}) is "
                     "no longer stored; forgotten",
                     half.transaction_id, half.producer_group, half.offset);
      return table_->forget(half.offset);
    }
    logger()->error("check-back of transaction '{}': {}", half.transaction_id,
                    read.error().message);
    return table_->release(half.offset, half.maybe_committed);
  }
  const berth_message_view& view = read.value()[0];
  if (half.maybe_committed) {
    // After a restart (or a commit whose op record failed) the copy may be there already: a
    // commit must not be delivered twice, nor the producer asked about it again.
    auto found = committed_copy_exists(view);
    if (!found) {
      logger()->error("check-back of transaction '{}': {}", half.transaction_id,
                      found.error().message);
      return table_->release(half.offset, true);
    }
    if (found.value()) {
      auto op = append_op(half.offset);
      if (!op) return table_->release(half.offset, true);
      logger()->info("transaction '{}' of producer group '{}' was committed before a restart; "
                     "its resolution is recorded now",
                     half.transaction_id, half.producer_group);
      return table_->resolved(half.offset, op.value());
    }
  }
  if (half.checks >= settings_.max_checks) return park(half, view);

  const protocol::connection_ptr producer = producers_.pick(half.producer_group);
  table_->release(half.offset, false);  // before the push: its answer must find it unclaimed
  if (!producer) {
    logger()->debug("transaction '{}': no producer of group '{}' is connected; asked next round",
                    half.transaction_id, half.producer_group);
    return;
  }
  std::vector<wire::property> properties;
  const wire::check_transaction_push push{half.transaction_id, half.offset,
                                          delivery::to_wire(view, properties)};
  if (producer->send(protocol::push_frame(wire::code::check_transaction, push))) {
    table_->count_check(half.offset);
  }
}

void transaction_service::park(const pending_half& half, const berth_message_view& view) {
  const auto failed = [&](const std::string& message) {
    logger()->error("transaction '{}' of producer group '{}' could not be parked in {}: {}",
                    half.transaction_id, half.producer_group,
                    topic::transaction_check_exhausted_topic, message);
    table_->release(half.offset, false);
  };
  if (auto made = topics_.ensure(topic::transaction_check_exhausted_topic, {1, wire::default_perm});
      !made) {
    return failed(made.error().message);
  }
  store::message_builder parked = parked_copy_of(view);
  if (auto appended = append_one(parked); !appended) return failed(appended.error().message);
  auto op = append_op(half.offset);
  if (!op) return failed(op.error().message);
  table_->resolved(half.offset, op.value());
  logger()->warn("transaction '{}' of producer group '{}' was not resolved after {} check-backs: "
                 "rolled back, its half message parked in {} for manual handling",
                 half.transaction_id, half.producer_group, half.checks,
                 topic::transaction_check_exhausted_topic);
}

void transaction_service::save_checkpoint_if_changed() {
  std::lock_guard lock(save_mutex_);
  const checkpoint now = table_->take_checkpoint();
  if (now == saved_) return;
  if (auto saved = save_checkpoint(checkpoint_file_, now); !saved) {
    logger()->error("cannot save {} (kept in memory, retried): {}", checkpoint_file_.string(),
                    saved.error().message);
    return;
  }
  saved_ = now;
}

}  // namespace berth::kernel::transaction
