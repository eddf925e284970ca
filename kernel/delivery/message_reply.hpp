// Answers that carry stored messages (PULL, the lookups): the frame's own fields are encoded
// into a small buffer and the message bodies go to the transport straight from the store's
// memory, as one gathered write. The store's read result stays alive (its views valid) until
// the transport releases the frame, after the bytes are written or the connection is gone.
#pragma once

#include "protocol/responder.hpp"
#include "store/read_result.hpp"

#include <berth/abi/berth_message.h>
#include <berth/wire/message.hpp>
#include <berth/wire/writer.hpp>

#include <functional>
#include <span>
#include <vector>

namespace berth::kernel::delivery {

// The record a client receives for a stored message. Borrows from `view`; the properties go
// into `properties`, which must outlive the result.
wire::stored_message to_wire(const berth_message_view& view,
                             std::vector<wire::property>& properties);

enum class message_layout {
  one,   // the body is exactly one stored message (MESSAGE_BY_ID, MESSAGE_AT)
  list,  // the body is head, then list<stored message> (PULL, MESSAGE_BY_KEY)
};

// Answer OK with `messages` (views of `result`), after the fields `head` writes (list layout).
void answer_with_messages(const protocol::responder& answer, store::read_result result,
                          std::span<const berth_message_view* const> messages,
                          message_layout layout,
                          const std::function<void(wire::writer&)>& head = {});

}  // namespace berth::kernel::delivery
