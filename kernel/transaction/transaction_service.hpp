// Transactional messages (RocketMQ's two-phase send): a producer's half message waits,
// invisible, in RMQ_SYS_TRANS_HALF_TOPIC until the producer commits it (it is then appended
// to its real topic, exactly once) or rolls it back; each resolution is an op record in
// RMQ_SYS_TRANS_OP_HALF_TOPIC. Halves left unresolved are checked back: every check_interval,
// each one older than `timeout` is pushed (CHECK_TRANSACTION) to a connected producer of its
// group, which answers with END_TRANSACTION; after max_checks the half is parked in
// TRANS_CHECK_MAX_TIME_TOPIC and counts as rolled back. See README.md for the decisions.
//
// Threads: handlers run on network threads; resolutions and check rounds on the kernel
// scheduler (they make blocking store calls, which store callbacks may not).
#pragma once

#include "executor/scheduler.hpp"
#include "produce/send_handler.hpp"
#include "protocol/router.hpp"
#include "store/message_builder.hpp"
#include "store/store.hpp"
#include "topic/topic_table.hpp"
#include "transaction/producer_registry.hpp"
#include "transaction/transaction_ids.hpp"
#include "transaction/transaction_table.hpp"

#include <berth/wire/transaction_bodies.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>

namespace berth::kernel::transaction {

struct transaction_settings {
  std::chrono::nanoseconds check_interval = std::chrono::seconds(30);
  std::chrono::nanoseconds timeout = std::chrono::seconds(6);
  uint32_t max_checks = 15;
};

class transaction_service final : public produce::half_message_sink {
 public:
  // Each reference outlives the service.
  transaction_service(topic::topic_table& topics, store::store& store,
                      executor::scheduler& scheduler, transaction_settings settings,
                      std::filesystem::path data_dir);
  ~transaction_service() override;
  transaction_service(const transaction_service&) = delete;
  transaction_service& operator=(const transaction_service&) = delete;

  // Find the unresolved halves again (checkpoint, op topic, half topic) and start the check
  // rounds. A damaged checkpoint file or a failed read stops the start.
  result<void> start();
  // No more check rounds or resolutions (a queued one is answered SHUTTING_DOWN); the
  // checkpoint is saved. Idempotent. Not from a scheduler task of this service.
  void stop();

  // END_TRANSACTION, PRODUCER_REGISTER.
  void add_handlers(protocol::router& routes);
  // The connection's producers leave their groups.
  void disconnected(const protocol::connection_ptr& gone);

  // produce::half_message_sink
  [[nodiscard]] std::optional<produce::refusal> refuse(const wire::message& half) const override;
  void store_half(const wire::message& half, const produce::destination& where,
                  const protocol::responder& answer) override;

  // One check round now, on the calling thread.
  void check_now_for_test() { check_round(); }
  [[nodiscard]] const transaction_table& table_for_test() const { return *table_; }
  [[nodiscard]] producer_registry& producers() { return producers_; }

 private:
  // recovery.cpp
  result<void> recover();
  // Calls fn(view) for every message of `topic` queue 0 from `from` on.
  template <class Fn>
  result<void> scan(std::string_view topic, uint64_t from, Fn&& fn);

  // end_transaction.cpp
  void end_transaction(const protocol::request& req, const protocol::responder& answer);
  void producer_register(const protocol::request& req, const protocol::responder& answer);
  // Answer a request naming a half that is not pending: resolved already, or unknown.
  void refuse_not_pending(const wire::end_transaction_request& end,
                          const protocol::responder& answer);
  // On the scheduler: carry out a claimed resolution and answer.
  void resolve(const pending_half& half, wire::transaction_resolution how,
               const protocol::responder& answer);

  // check_back.cpp
  void schedule_checks();
  void check_round();
  void check_one(pending_half half);
  void park(const pending_half& half, const berth_message_view& view);
  void save_checkpoint_if_changed();

  // store_calls.cpp: blocking store work, on the scheduler.
  result<store::read_result> read_half(uint64_t offset);
  // Whether the half's committed copy is in its real topic already (found by UNIQ_KEY).
  result<bool> committed_copy_exists(const berth_message_view& half);
  result<store::appended> append_one(store::message_builder& message);
  // The op record resolving `half_offset`: its op queue offset.
  result<uint64_t> append_op(uint64_t half_offset);

  topic::topic_table& topics_;
  store::store& store_;
  executor::scheduler& scheduler_;
  const transaction_settings settings_;
  const std::filesystem::path checkpoint_file_;
  const executor::owner_id owner_ = executor::new_owner();
  std::unique_ptr<transaction_table> table_;
  producer_registry producers_;
  transaction_ids ids_;
  std::mutex save_mutex_;
  checkpoint saved_;
  bool running_ = false;
};

}  // namespace berth::kernel::transaction
