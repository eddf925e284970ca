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

}  // namespace berth::wire::properties
