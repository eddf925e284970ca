// TOPIC_CREATE, TOPIC_LIST, TOPIC_DESCRIBE and TOPIC_DELETE over a topic_table. Each request
// is answered inline, on the calling network thread (a create or delete waits for its
// topics.json write).
//
// Statuses: INVALID_ARGUMENT naming the field, TOPIC_EXISTS (other settings; the same settings
// again are OK), NO_TOPIC, STORE_FAILED when the store cannot tell a queue's bounds, INTERNAL
// when topics.json cannot be written.
#pragma once

#include "protocol/router.hpp"
#include "store/store.hpp"
#include "topic/topic_table.hpp"

#include <functional>
#include <string_view>

namespace berth::kernel::topic {

// Called after a TOPIC_DELETE removed the topic (e.g. to forget the groups' offsets in it).
using topic_deleted = std::function<void(std::string_view topic)>;

// `topics` and `store` must outlive every request routed to them. `store` may be null: every
// queue is then described as 0/0.
void add_topic_handlers(protocol::router& routes, topic_table& topics, store::store* store,
                        topic_deleted deleted = {});

}  // namespace berth::kernel::topic
