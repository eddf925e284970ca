// Transactional messages (docs/protocol.md "Transactions"): the bodies of END_TRANSACTION,
// PRODUCER_REGISTER and the CHECK_TRANSACTION push. A half message itself is a plain SEND
// whose message carries TRAN_MSG=true and PGROUP (properties.hpp).
#pragma once

#include <berth/wire/message.hpp>
#include <berth/wire/reader.hpp>
#include <berth/wire/writer.hpp>

#include <cstdint>
#include <string_view>

namespace berth::wire {

// How a producer resolves a transaction. Values beyond rollback are refused
// (INVALID_ARGUMENT).
enum class transaction_resolution : uint8_t {
  unknown = 0,  // not decided yet: the broker asks again (CHECK_TRANSACTION)
  commit = 1,   // the half message becomes visible in its real topic
  rollback = 2, // the half message is dropped
};

[[nodiscard]] constexpr bool known(transaction_resolution r) noexcept {
  return r == transaction_resolution::unknown || r == transaction_resolution::commit ||
         r == transaction_resolution::rollback;
}

[[nodiscard]] constexpr std::string_view name(transaction_resolution r) noexcept {
  switch (r) {
    case transaction_resolution::unknown: return "unknown";
    case transaction_resolution::commit: return "commit";
    case transaction_resolution::rollback: return "rollback";
  }
  return "invalid";
}

struct end_transaction_request {
  std::string_view producer_group;
  std::string_view transaction_id;  // or the half message's own message id
  uint64_t half_offset = 0;         // the half's queue offset (its SEND answer's queue_offset)
  transaction_resolution resolution = transaction_resolution::unknown;
  bool from_check = false;          // answering a CHECK_TRANSACTION

  void encode(writer& w) const {
    w.str(producer_group);
    w.str(transaction_id);
    w.u64(half_offset);
    w.u8(static_cast<uint8_t>(resolution));
    w.boolean(from_check);
  }
  void read(reader& r) {
    producer_group = r.str("producer_group");
    transaction_id = r.str("transaction_id");
    half_offset = r.u64("half_offset");
    resolution = static_cast<transaction_resolution>(r.u8("resolution"));
    from_check = r.boolean("from_check");
  }
  bool operator==(const end_transaction_request&) const = default;
};

// A producer connection speaks for its group: check-backs of the group's transactions are
// pushed to it (until it closes).
struct producer_register_request {
  std::string_view client_id;
  std::string_view producer_group;

  void encode(writer& w) const {
    w.str(client_id);
    w.str(producer_group);
  }
  void read(reader& r) {
    client_id = r.str("client_id");
    producer_group = r.str("producer_group");
  }
  bool operator==(const producer_register_request&) const = default;
};

// The broker asks a producer of the group how a transaction ended; the producer answers with
// END_TRANSACTION (from_check = true). The half message comes last (its body last of all).
struct check_transaction_push {
  std::string_view transaction_id;
  uint64_t half_offset = 0;
  stored_message half;

  void encode(writer& w) const {
    w.str(transaction_id);
    w.u64(half_offset);
    half.encode(w);
  }
  void read(reader& r) {
    transaction_id = r.str("transaction_id");
    half_offset = r.u64("half_offset");
    half.read(r);
  }
  bool operator==(const check_transaction_push&) const = default;
};

}  // namespace berth::wire
