// What becomes of a message a consumer group failed to process (RocketMQ's rule): it comes back
// later through the group's retry topic with the next backoff, until the group has retried it
// max_reconsume times; the failure after that moves it to the group's dead-letter topic.
// Pure; send_back_handler.hpp applies it.
#pragma once

#include "store/message_builder.hpp"

#include <berth/abi/berth_message.h>

#include <chrono>
#include <cstdint>
#include <string_view>
#include <variant>

namespace berth::kernel::retry {

struct retry_later {
  int level = 0;                       // the delay level used (1..18)
  std::chrono::milliseconds delay{0};  // that level's delay
};
struct to_dead_letters {};
using retry_decision = std::variant<retry_later, to_dead_letters>;

// True for the levels a SEND_BACK may ask for: -1 (dead letters now), 0 (automatic), 1..18.
bool valid_send_back_level(int32_t delay_level);

// The decision for a message whose failed delivery had `reconsume_times` failures before it
// (0 on its first delivery). `delay_level`: valid_send_back_level(); 0 picks RocketMQ's backoff,
// level 3 + reconsume_times (10 s, 30 s, 1 min, 2 min, ...), capped at the last level (2 h).
retry_decision decide_retry(uint32_t reconsume_times, int32_t delay_level, uint32_t max_reconsume);

// The copy of `failed` that goes to `group`'s retry topic (queue 0): one more reconsume time,
// and, unless the failed message was a retry copy already, RETRY_TOPIC naming its topic and
// ORIGIN_MESSAGE_ID its id, so that a consumer sees the message under its own topic and
// dead letters name where it came from.
store::message_builder retry_copy_of(std::string_view group, const berth_message_view& failed);

}  // namespace berth::kernel::retry
