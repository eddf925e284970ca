// One traced event, copied out of the kernel's borrowed berth_trace_event so that it can wait
// in the queue, and its form in the trace topic: one JSON object per line (docs/tracing.md).
#pragma once

#include <berth/abi/berth_tracer.h>

#include <cstdint>
#include <string>

namespace berth::trace_topic {

struct trace_record {
  uint32_t type = 0;
  int64_t time_ms = 0;
  int32_t status = 0;
  std::string message_id;
  std::string topic;
  uint32_t queue_id = 0;
  uint64_t queue_offset = 0;
  std::string tags;
  std::string keys;
  std::string group;
  std::string client;
  std::string principal;
  std::string traceparent;
  uint64_t body_size = 0;
  uint64_t latency_us = 0;
};

trace_record record_of(const berth_trace_event& event);

// "produce", "deliver", "ack", "commit" (or "event-<n>" for a type this plugin predates).
std::string type_name(uint32_t type);

// One line of JSON (without the newline): every field, named as in docs/tracing.md.
std::string to_json_line(const trace_record& record, std::string_view broker);

// The key a record is found by in the trace topic: its message id, or for a COMMIT (which
// names no message) "commit:<topic>:<queue>".
std::string lookup_key(const trace_record& record);
std::string commit_key(std::string_view topic, uint32_t queue);

}  // namespace berth::trace_topic
