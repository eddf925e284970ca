// SEND_BACK: a push or pull consumer hands back a message it failed to process, named by where
// it read it (topic, queue, offset). The broker reads the message and, per retry_policy.hpp,
// either parks a copy for the group's retry topic in the timer (due after the backoff; the
// group's consumers subscribe to %RETRY%<group> and see it under its own topic), or copies it
// to the group's dead-letter topic. The answer comes once the copy is stored.
//
// Statuses: INVALID_ARGUMENT (a bad group name, max_reconsume above 1000), NO_TOPIC, NO_QUEUE,
// INVALID_DELAY (a level outside -1..18), NOT_FOUND (no message at that offset), and the
// store's own failures. A refused request stores nothing.
#pragma once

#include "protocol/router.hpp"
#include "store/store.hpp"
#include "timer/timer_service.hpp"
#include "topic/topic_table.hpp"

#include <cstdint>

namespace berth::kernel::retry {

// The largest max_reconsume a request or the configuration may ask for.
inline constexpr uint32_t max_reconsume_limit = 1000;

struct send_back_settings {
  uint32_t max_reconsume = 16;  // [broker] max_reconsume: when a request says 0
};

// Each reference outlives every request routed to the handler.
void add_send_back_handler(protocol::router& routes, topic::topic_table& topics,
                           store::store& store, timer::timer_service& timer,
                           send_back_settings settings);

}  // namespace berth::kernel::retry
