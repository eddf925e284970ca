// Records into trace messages: each message's body is its records as JSON lines, and its keys
// are the records' distinct position keys (trace_record.hpp), so that the store's key index
// finds every record of a message (berthctl trace get).
#pragma once

#include "trace_record.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace berth::trace_topic {

struct trace_message {
  std::string body;  // JSON lines, each ending in '\n'
  std::string keys;  // distinct lookup keys, space-separated
  size_t records = 0;  // events its lines record
};

struct batch_limits {
  size_t max_records = 100;  // events (a line of a 16-message SEND_BATCH is 16)
  size_t max_bytes = 128'000;   // of a body; a longer single record still goes, alone
  size_t max_key_bytes = 32'000;  // the stores keep at most 64 KiB of keys
};

std::vector<trace_message> pack(std::span<const trace_record> records, batch_limits limits);

}  // namespace berth::trace_topic
