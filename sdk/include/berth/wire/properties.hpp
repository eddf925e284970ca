// Property names with a meaning to the broker or the client, as RocketMQ spells them, so that
// a message keeps its meaning when it crosses to RocketMQ tooling. User properties may use any
// other name.
#pragma once

#include <string_view>

namespace berth::wire::properties {

// Request/reply: a request carries all three; its reply carries the first two, copied.
inline constexpr std::string_view correlation_id = "CORRELATION_ID";
inline constexpr std::string_view reply_to_client = "REPLY_TO_CLIENT";  // the requester's client id
inline constexpr std::string_view message_ttl = "TTL";                  // the requester's timeout, ms

// The producer's own id for a message (the store's key index finds messages by it too).
inline constexpr std::string_view unique_key = "UNIQ_KEY";
// The sharding key of an ordered message (which queue it went to is the producer's choice).
inline constexpr std::string_view sharding_key = "SHARDING_KEY";

// Delayed and timed messages (set by the producer; the broker removes them on delivery).
inline constexpr std::string_view delay_level = "DELAY";             // 1..18, RocketMQ's levels
inline constexpr std::string_view deliver_at_ms = "TIMER_DELIVER_MS";  // Unix epoch ms
// Where a message parked in a system topic really goes (the broker sets them).
inline constexpr std::string_view real_topic = "REAL_TOPIC";
inline constexpr std::string_view real_queue = "REAL_QID";

// Retries and dead letters (the broker sets them on the copies it makes).
inline constexpr std::string_view retry_topic = "RETRY_TOPIC";  // the topic a retry came from
inline constexpr std::string_view origin_message_id = "ORIGIN_MESSAGE_ID";
inline constexpr std::string_view dead_letter_origin_topic = "DLQ_ORIGIN_TOPIC";
inline constexpr std::string_view dead_letter_origin_message_id = "DLQ_ORIGIN_MESSAGE_ID";

// Transactions: a half message carries the first two; the broker adds the id.
inline constexpr std::string_view transaction_prepared = "TRAN_MSG";  // "true"
inline constexpr std::string_view producer_group = "PGROUP";
inline constexpr std::string_view transaction_id = "__transactionId__";
inline constexpr std::string_view transaction_check_times = "TRANSACTION_CHECK_TIMES";

// FIFO: messages of one message group are delivered in order, one at a time.
inline constexpr std::string_view message_group = "__SHARDINGKEY";

}  // namespace berth::wire::properties
