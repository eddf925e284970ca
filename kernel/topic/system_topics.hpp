// The broker's own topics, named as RocketMQ names them so that its tooling reads them alike.
// Producers may not send to them directly (SEND refuses them); consumers may read them.
#pragma once

#include <berth/wire/retry_bodies.hpp>

#include <string>
#include <string_view>

namespace berth::kernel::topic {

// Where delayed and timed messages wait until they are due (one queue).
inline constexpr std::string_view timer_topic = "rmq_sys_wheel_timer";
// Transactions: half messages wait here (one queue); resolutions are logged in the op topic;
// a half message never resolved after the last check-back is parked in the third.
inline constexpr std::string_view transaction_half_topic = "RMQ_SYS_TRANS_HALF_TOPIC";
inline constexpr std::string_view transaction_op_topic = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
inline constexpr std::string_view transaction_check_exhausted_topic = "TRANS_CHECK_MAX_TIME_TOPIC";

// The group's retry and dead-letter topics: the wire's names (retry_bodies.hpp), which
// clients use too.
inline constexpr std::string_view retry_prefix = wire::retry_topic_prefix;
inline constexpr std::string_view dead_letter_prefix = wire::dead_letter_topic_prefix;
using wire::dead_letter_topic_of;
using wire::retry_topic_of;

// True for the topics above (and any other rmq_sys_ / RMQ_SYS_ name): not a producer's to write.
// Retry topics are not system topics in this sense: a consumer group reads its own.
bool is_system_topic(std::string_view name);
inline bool is_retry_topic(std::string_view name) { return name.starts_with(retry_prefix); }
inline bool is_dead_letter_topic(std::string_view name) {
  return name.starts_with(dead_letter_prefix);
}

}  // namespace berth::kernel::topic
