// SEND and SEND_BATCH: from a client's messages to the store, answered once the store has
// acknowledged them under its flush policy (so, with flush = "sync", once they are on disk).
// The network thread is never blocked: the answer is sent from the store's acknowledgement.
#pragma once

#include "protocol/router.hpp"
#include "store/store.hpp"
#include "timer/timer_service.hpp"
#include "topic/topic_table.hpp"

#include <cstdint>

namespace berth::kernel::produce {

struct produce_settings {
  uint32_t max_message_size = 4u << 20;  // bodies over this: MESSAGE_TOO_LARGE
};

// Registers SEND and SEND_BATCH. `topics`, `store` and `timer` outlive the router's use. A
// message asking for a delay (DELAY, TIMER_DELIVER_MS) is parked with `timer`; without one
// such messages are refused.
void add_produce_handlers(protocol::router& routes, topic::topic_table& topics,
                          store::store& store, produce_settings settings,
                          timer::timer_service* timer);

}  // namespace berth::kernel::produce
