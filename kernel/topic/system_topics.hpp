// The broker's own topics, named as RocketMQ names them so that its tooling reads them alike.
// Producers may not send to them directly (SEND refuses them); consumers may read them.
#pragma once

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

inline constexpr std::string_view retry_prefix = "%RETRY%";
inline constexpr std::string_view dead_letter_prefix = "%DLQ%";

// A consumer group's retry topic: its failed messages come back through it.
inline std::string retry_topic_of(std::string_view group) {
  return std::string(retry_prefix) + std::string(group);
}
// A consumer group's dead-letter topic: messages that failed max_reconsume times.
inline std::string dead_letter_topic_of(std::string_view group) {
  return std::string(dead_letter_prefix) + std::string(group);
}

// True for the topics above (and any other rmq_sys_ / RMQ_SYS_ name): not a producer's to write.
// Retry topics are not system topics in this sense: a consumer group reads its own.
bool is_system_topic(std::string_view name);
inline bool is_retry_topic(std::string_view name) { return name.starts_with(retry_prefix); }
inline bool is_dead_letter_topic(std::string_view name) {
  return name.starts_with(dead_letter_prefix);
}

}  // namespace berth::kernel::topic
