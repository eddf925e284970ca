// RocketMQ 5 messages to and from the native protocol's records. A producer's message becomes a
// native message whose properties carry what RocketMQ keeps in system properties (its id as
// UNIQ_KEY, message group, delivery time, the transaction marks); a stored message becomes the
// Message the clients read, with its body digest, receipt handle and delivery attempt.
#pragma once

#include "status_map.hpp"

#include <berth/wire/message.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace berth::transport_grpc {

// A refusal: the code a client understands, and why.
struct refusal {
  v2::Code code = v2::BAD_REQUEST;
  std::string message;
};

// A producer's message, converted: owns every string the native record points into.
struct outgoing_message {
  std::string topic;
  std::string tags;
  std::string keys;  // space-separated
  std::vector<std::pair<std::string, std::string>> properties;
  std::string body;
  int64_t born_time_ms = 0;
  std::string client_message_id;
  std::string message_group;  // FIFO: its messages go to one queue (queue_of_group)
  int32_t queue_id = wire::any_queue;
  v2::MessageType type = v2::NORMAL;
  bool parked = false;  // delayed into the future: the broker parks it (and can recall it)

  // The native record; valid while this object lives and is not changed.
  [[nodiscard]] wire::message record(std::vector<wire::property>& storage) const;
};

struct send_limits {
  uint64_t max_body_size = 0;
};

// Check a producer's message as RocketMQ does and convert it (a transactional message's
// producer group is its topic, as in RocketMQ 5).
std::variant<outgoing_message, refusal> to_outgoing(const v2::Message& in,
                                                    const send_limits& limits);

// What a delivery adds to a stored message.
struct delivery_facts {
  std::string receipt_handle;  // as the client sees it
  uint32_t attempt = 1;
  int64_t invisible_ms = 0;
};

// The Message a client reads for a stored message (body digest MD5, as RocketMQ sends).
void to_v2(const wire::stored_message& in, const delivery_facts* delivery, v2::Message* out);

// The id the producer gave a message (UNIQ_KEY), else the broker's.
std::string_view client_message_id(const wire::stored_message& m);

// Upper-case hex MD5 of `bytes`.
std::string md5_hex(std::string_view bytes);

}  // namespace berth::transport_grpc
