// `msg`, the message as the script sees it: one full userdata per Lua state, made once, that
// points at the message of the current call (nothing is built per call). Fields, read-only:
//   topic tag keys properties body_size queue_id queue_offset reconsume_times born_time_ms
//   store_time_ms message_id
// tag and keys are nil when empty; msg.properties.<name> is a property's value or nil.
// Reading any other field, writing any field, or using msg outside its call raises.
#pragma once

#include "lua_api.hpp"

#include <berth/abi/berth_message.h>

namespace berth::plugins::filter_lua {

struct message_slot {
  const berth_message_view* view = nullptr;  // set for the duration of one call
};

// Push a new msg userdata (with its properties proxy) and return its slot. Protected.
message_slot* push_message_userdata(lua_State* L);

}  // namespace berth::plugins::filter_lua
