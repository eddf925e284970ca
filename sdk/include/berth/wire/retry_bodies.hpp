// Consumer retry (docs/protocol.md "Retry and dead letters"): the body of SEND_BACK, with which
// a push or pull consumer hands a message it failed to process back to the broker. The broker
// delivers it to the group again later through the group's retry topic (%RETRY%<group>), or,
// after the group's last attempt, moves it to the dead-letter topic (%DLQ%<group>).
#pragma once

#include <berth/wire/reader.hpp>
#include <berth/wire/writer.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace berth::wire {

// A consumer group's retry topic (its failed messages come back through it; its members
// subscribe to it) and dead-letter topic, as RocketMQ names them.
inline constexpr std::string_view retry_topic_prefix = "%RETRY%";
inline constexpr std::string_view dead_letter_topic_prefix = "%DLQ%";
inline std::string retry_topic_of(std::string_view group) {
  return std::string(retry_topic_prefix) + std::string(group);
}
inline std::string dead_letter_topic_of(std::string_view group) {
  return std::string(dead_letter_topic_prefix) + std::string(group);
}

// delay_level of a SEND_BACK: 0 lets the broker choose RocketMQ's backoff (level 3 +
// reconsume_times: 10 s, 30 s, 1 min, ...), 1..18 is a level, this one means "no more
// attempts": straight to the dead-letter topic.
inline constexpr int32_t send_back_to_dead_letters = -1;

struct send_back_request {
  std::string_view group;
  std::string_view topic;  // where the consumer read the message (a retry topic included)
  uint32_t queue_id = 0;
  uint64_t queue_offset = 0;
  int32_t delay_level = 0;
  uint32_t max_reconsume = 0;  // retries before the dead-letter topic; 0: the broker's default

  void encode(writer& w) const {
    w.str(group);
    w.str(topic);
    w.u32(queue_id);
    w.u64(queue_offset);
    w.i32(delay_level);
    w.u32(max_reconsume);
  }
  void read(reader& r) {
    group = r.str("group");
    topic = r.str("topic");
    queue_id = r.u32("queue_id");
    queue_offset = r.u64("queue_offset");
    delay_level = r.i32("delay_level");
    max_reconsume = r.u32("max_reconsume");
  }
  bool operator==(const send_back_request&) const = default;
};

struct send_back_response {
  bool dead_lettered = false;    // moved to the dead-letter topic, not retried
  std::string_view message_id;   // the id of the copy the broker stored
  uint32_t reconsume_times = 0;  // the copy's: how many deliveries failed before it
  int64_t deliver_at_ms = 0;     // when the retry is due (broker clock); 0 for a dead letter

  void encode(writer& w) const {
    w.boolean(dead_lettered);
    w.str(message_id);
    w.u32(reconsume_times);
    w.i64(deliver_at_ms);
  }
  void read(reader& r) {
    dead_lettered = r.boolean("dead_lettered");
    message_id = r.str("message_id");
    reconsume_times = r.u32("reconsume_times");
    deliver_at_ms = r.i64("deliver_at_ms");
  }
  bool operator==(const send_back_response&) const = default;
};

}  // namespace berth::wire
