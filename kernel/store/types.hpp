// The vocabulary of the store facade: what an append assigned, what a read asks for, and the
// callbacks a caller hands in. Plain values; nothing here points into a plugin.
#pragma once

#include "common/result.hpp"

#include <berth/abi/berth_store.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace berth::kernel::store {

// What the store assigned to one appended message.
struct appended {
  uint64_t queue_offset = 0;
  uint64_t log_offset = 0;
  int64_t store_time_ms = 0;
  std::string message_id;
};

// [min_offset, max_offset) of one queue are readable.
struct queue_bounds {
  uint64_t min_offset = 0;
  uint64_t max_offset = 0;
};

// Decides from a queue entry's tag hash whether a read may return it. Runs inside read(), on
// the calling thread; must not throw (an exception counts as "keep").
using tag_hash_filter = std::function<bool(uint64_t tag_hash)>;

// One read of one queue. `topic` and `accept` are borrowed for the call.
struct read_query {
  std::string_view topic{};
  uint32_t queue_id = 0;
  uint64_t offset = 0;
  uint32_t max_messages = 32;        // at least 1 is returned when anything is found
  uint64_t max_bytes = 4u << 20;     // a cap on what is returned; one message always fits
  uint64_t max_scan = 0;             // queue entries examined at most; 0 = the store's cap
  tag_hash_filter accept{};          // empty = every entry
};

// Messages of `topic` carrying `key` (one of their keys, or their UNIQ_KEY property) stored in
// [begin_ms, end_ms], newest first.
struct key_query {
  std::string_view topic{};
  std::string_view key{};
  int64_t begin_ms = 0;
  int64_t end_ms = std::numeric_limits<int64_t>::max();
  uint32_t max_messages = 32;
};

// The ABI's own structs, complete (struct_size set by the facade).
using retention_report = berth_retention_report;
using store_stats = berth_store_stats;

// Called after messages became visible: the queue's new max offset. Runs on a store thread;
// must not block and must not call into the store.
using arrival_listener =
    std::function<void(std::string_view topic, uint32_t queue_id, uint64_t max_offset)>;

// Called exactly once per append_async with what the store assigned, or why it could not.
using append_callback = std::function<void(result<std::vector<appended>>)>;

}  // namespace berth::kernel::store
