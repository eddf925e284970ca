// The messages of a transaction's life, as pure functions of what they come from:
//   - the half message a producer's SEND becomes (parked in RMQ_SYS_TRANS_HALF_TOPIC queue 0);
//   - the real message a COMMIT appends to the real topic;
//   - the copy of a half given up on after max_checks (TRANS_CHECK_MAX_TIME_TOPIC);
//   - the op record that says a half is resolved (RMQ_SYS_TRANS_OP_HALF_TOPIC).
#pragma once

#include "produce/send_handler.hpp"
#include "store/message_builder.hpp"

#include <berth/abi/berth_message.h>
#include <berth/wire/message.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace berth::kernel::transaction {

// The tag of op records (RocketMQ's "d": removed).
inline constexpr std::string_view op_tag = "d";

// What a producer's half message is stored as: its own contents in the half topic, with
// REAL_TOPIC / REAL_QID naming `where`, __transactionId__ = `transaction_id`, and UNIQ_KEY =
// `transaction_id` when the producer set none (the committed copy is found by it after a
// crash). `peer` and `local` are the connection's addresses.
store::message_builder half_of(const wire::message& sent, const produce::destination& where,
                               std::string_view transaction_id, std::string_view peer,
                               std::string_view local);

// The real message a COMMIT appends: a copy of `half` to REAL_TOPIC / REAL_QID, without
// TRAN_MSG, PGROUP, REAL_TOPIC, REAL_QID and TRANSACTION_CHECK_TIMES. It keeps
// __transactionId__, by which a restarted broker recognises it as committed. nullopt when the
// half names no valid real destination.
std::optional<store::message_builder> committed_copy_of(const berth_message_view& half);

// The copy of a half given up on, for an operator: TRANS_CHECK_MAX_TIME_TOPIC queue 0, every
// property kept (REAL_TOPIC says where it was going).
store::message_builder parked_copy_of(const berth_message_view& half);

// The op record resolving the halves at `half_offsets`: body "12,13".
store::message_builder op_record(std::span<const uint64_t> half_offsets);
// The half offsets an op record names; a malformed entry is skipped.
std::vector<uint64_t> half_offsets_of(const berth_message_view& op);

// Whether stored `half` is the transaction `id` (its __transactionId__ or its own message id)
// of `producer_group`.
bool is_transaction(const berth_message_view& half, std::string_view id,
                    std::string_view producer_group);

}  // namespace berth::kernel::transaction
