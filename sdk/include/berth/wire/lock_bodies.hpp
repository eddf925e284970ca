// Queue locks (docs/protocol.md "Queue locks"): the bodies of LOCK_QUEUES (33) and
// UNLOCK_QUEUES (34). An ordered consumer processes only the queues it holds, so that a queue
// moving to another member in a rebalance is never processed by two members at once.
#pragma once

#include <berth/wire/reader.hpp>
#include <berth/wire/writer.hpp>

#include <cstdint>
#include <string_view>
#include <vector>

namespace berth::wire {

struct queue_lock_request {
  std::string_view group;
  std::string_view topic;
  std::string_view client_id;
  std::vector<uint32_t> queue_ids;

  void encode(writer& w) const {
    w.str(group);
    w.str(topic);
    w.str(client_id);
    w.u32_list(queue_ids);
  }
  void read(reader& r) {
    group = r.str("group");
    topic = r.str("topic");
    client_id = r.str("client_id");
    r.u32_list("queue_ids", queue_ids);
  }
  bool operator==(const queue_lock_request&) const = default;
};

// LOCK_QUEUES: the asked queues this client holds now (taken, or renewed); the others are held
// by another member.
struct queue_lock_response {
  std::vector<uint32_t> queue_ids;

  void encode(writer& w) const { w.u32_list(queue_ids); }
  void read(reader& r) { r.u32_list("queue_ids", queue_ids); }
  bool operator==(const queue_lock_response&) const = default;
};

}  // namespace berth::wire
