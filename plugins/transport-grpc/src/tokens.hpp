// The opaque strings RocketMQ clients echo back: receipt handles and transaction ids. Each
// wraps what the kernel needs to find the thing again; the kernel verifies its own part (a
// receipt handle is HMAC-signed by the broker), so a forged token is refused there.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace berth::transport_grpc {

// A receipt handle: the kernel's handle, where the message is (for a forward to the
// dead-letter queue), and whether it came from the group's retry topic (then it is
// acknowledged there). Text: <native>.<queue>.<offset>[~r].
struct receipt_token {
  std::string native;
  uint32_t queue_id = 0;
  uint64_t queue_offset = 0;
  bool from_retry_topic = false;
};

std::string encode_receipt(const receipt_token& token);
// nullopt: not a handle this gateway made.
std::optional<receipt_token> decode_receipt(std::string_view text);

// The topic a receipt is acknowledged on.
std::string ack_topic(const receipt_token& token, std::string_view topic, std::string_view group);

// An offset and an id, as "<offset>:<id>": a transaction id (the half message's queue offset
// and the kernel's transaction id) and a recall handle (the timer-queue offset of a parked
// delayed message and its producer's message id).
struct offset_token {
  uint64_t offset = 0;
  std::string id;
};

std::string encode_offset_token(const offset_token& token);
std::optional<offset_token> decode_offset_token(std::string_view text);

}  // namespace berth::transport_grpc
