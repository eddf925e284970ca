// One traced event as it waits in the queue: already its JSON line (docs/tracing.md), so that
// the reporting thread makes one allocation and the writer only copies bytes. The key the
// record is found by in the trace topic rides in the same buffer, after the line.
//
// Keys name where the message is, not its id: "<topic>:<queue>:<queue_offset / 16>", so that
// the records of 16 neighbouring messages share one key-index entry (a trace message of 100
// records has a handful of keys, not 100); a reader finds the message first (by id), then its
// records under its position key. A COMMIT's key is "commit:<topic>:<queue>".
#pragma once

#include <berth/abi/berth_tracer.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace berth::trace_topic {

class trace_record {
 public:
  trace_record() = default;
  trace_record(std::string text, size_t line_size) : text_(std::move(text)), line_size_(line_size) {}

  // The JSON object and its '\n'.
  [[nodiscard]] std::string_view line() const { return std::string_view(text_).substr(0, line_size_); }
  // The position key (above).
  [[nodiscard]] std::string_view key() const { return std::string_view(text_).substr(line_size_); }

 private:
  std::string text_;
  size_t line_size_ = 0;
};

// The event's record. Fields empty in the event are left out of the line.
trace_record record_of(const berth_trace_event& event);

// "produce", "deliver", "ack", "commit" (or "event-<n>" for a type this plugin predates).
std::string_view type_name(uint32_t type, std::string& scratch);

// Messages whose queue offsets share offset / position_span share a position key.
inline constexpr uint64_t position_span = 16;
std::string position_key(std::string_view topic, uint32_t queue, uint64_t queue_offset);
std::string commit_key(std::string_view topic, uint32_t queue);

}  // namespace berth::trace_topic
