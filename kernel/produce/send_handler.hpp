// SEND and SEND_BATCH: from a client's messages to the store, answered once the store has
// acknowledged them under its flush policy (so, with flush = "sync", once they are on disk).
// The network thread is never blocked: the answer is sent from the store's acknowledgement.
#pragma once

#include "metrics/registry.hpp"
#include "metrics/traffic.hpp"
#include "produce/admission.hpp"
#include "protocol/router.hpp"
#include "store/store.hpp"
#include "timer/timer_service.hpp"
#include "trace/trace_hub.hpp"
#include "topic/topic_table.hpp"

#include <berth/wire/message.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace berth::kernel::produce {

// Where a checked SEND goes: its topic (existing or just created, writable) and queue.
struct destination {
  std::string topic;
  uint32_t queue = 0;
};

// Why a request is refused: the status and the words.
struct refusal {
  wire::status status = wire::status::invalid_argument;
  std::string message;
};

// Where SEND hands a half message (TRAN_MSG=true): kernel/transaction.
class half_message_sink {
 public:
  virtual ~half_message_sink() = default;
  // Why this half message is not taken, checked before the checks of a normal SEND (so that a
  // refused half creates no topic); nullopt to go on.
  [[nodiscard]] virtual std::optional<refusal> refuse(const wire::message& half) const = 0;
  // Store `half`, which passed every check of a normal SEND, for its real destination `where`,
  // and answer `answer`. `half` views into the request frame: valid during the call only.
  virtual void store_half(const wire::message& half, const destination& where,
                          const protocol::responder& answer) = 0;
};

struct produce_settings {
  uint32_t max_message_size = 4u << 20;  // bodies over this: MESSAGE_TOO_LARGE
  // Null: half messages are refused (INVALID_ARGUMENT). Outlives the handlers.
  half_message_sink* halves = nullptr;
  // Tracers told of every stored message (PRODUCE); may be null. Outlives the handlers.
  const trace::trace_hub* traces = nullptr;
  // Counts what is stored, by topic, and the append latency; may be null. Outlives the handlers.
  metrics::traffic* traffic = nullptr;
  // The broker-wide bound on appends waiting for the store (admission.hpp): beyond it SEND and
  // SEND_BATCH are answered BUSY.
  admission_limits admission{};
  // Where berth_produce_busy_total{limit} is counted; may be null. Outlives the handlers.
  metrics::registry* metrics = nullptr;
};

// True when `m` asks to be a transaction's half message (TRAN_MSG=true).
bool is_half_message(const wire::message& m);

// Registers SEND and SEND_BATCH. `topics`, `store` and `timer` outlive the router's use. A
// message asking for a delay (DELAY, TIMER_DELIVER_MS) is parked with `timer`; without one
// such messages are refused.
void add_produce_handlers(protocol::router& routes, topic::topic_table& topics,
                          store::store& store, produce_settings settings,
                          timer::timer_service* timer);

}  // namespace berth::kernel::produce
