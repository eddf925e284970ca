// MESSAGE_BY_ID, MESSAGE_BY_KEY and MESSAGE_AT: find stored messages for people and tools (by
// the id the broker returned, by a producer's key within a time range, by queue position).
// Answered inline from the store's indexes, the bodies as gathered writes.
//
// MESSAGE_BY_KEY: end_ms 0 means no upper bound; no match is an empty list.
// Statuses: NOT_FOUND (no such message; the text says what was looked for), INVALID_ARGUMENT
// (text that is no message id), NO_TOPIC, NO_QUEUE, STORE_FAILED.
#pragma once

#include "protocol/router.hpp"
#include "store/store.hpp"
#include "topic/topic_table.hpp"

namespace berth::kernel::query {

// At most this many messages per MESSAGE_BY_KEY (a larger `max` is cut; 0 asks for 32).
inline constexpr uint32_t max_key_matches = 64;

// `topics` and `store` outlive every request routed to them.
void add_query_handlers(protocol::router& routes, topic::topic_table& topics, store::store& store);

}  // namespace berth::kernel::query
