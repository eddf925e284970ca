// Dead letters: a message a consumer group failed max_reconsume times is copied into the
// group's dead-letter topic (%DLQ%<group>, one queue, created on first use), where an operator
// inspects it and may send it again (berthctl dlq list / resend). The copy keeps the body,
// tags, keys and properties, and names where it came from.
#pragma once

#include "common/result.hpp"
#include "store/message_builder.hpp"
#include "store/store.hpp"
#include "topic/topic_table.hpp"

#include <berth/abi/berth_message.h>

#include <functional>
#include <string_view>

namespace berth::kernel::delivery {

// The copy of `failed` for `group`'s dead-letter topic: DLQ_ORIGIN_TOPIC is the topic the
// message was first sent to (RETRY_TOPIC for a retry copy, else its own topic) and
// DLQ_ORIGIN_MESSAGE_ID its first id (ORIGIN_MESSAGE_ID for a copy, else its own id).
store::message_builder dead_letter_of(std::string_view group, const berth_message_view& failed);

// Append dead_letter_of(group, failed), creating the topic if needed. `done` runs once, on a
// store thread or inline, with what the store assigned or why nothing was stored.
void send_to_dead_letters(topic::topic_table& topics, store::store& store, std::string_view group,
                          const berth_message_view& failed,
                          std::function<void(result<store::appended>)> done);

}  // namespace berth::kernel::delivery
