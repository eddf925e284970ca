// Traced events as they wait in the queue: already JSON lines (docs/tracing.md), so that the
// reporting thread makes one allocation per line and the writer only copies bytes.
//
// The events of one request that share type, topic, queue, group, client, principal, status
// and cost (a SEND_BATCH's messages, a PULL's answer) become one line listing their messages:
// the shared fields are written once, which keeps the trace topic small. A COMMIT is a line of
// its own.
//
// A line is found by position keys, "<topic>:<queue>:<queue_offset / 16>", one per 16
// neighbouring messages (a reader finds the message first, by id, then its records under its
// position key); a COMMIT's key is "commit:<topic>:<queue>". The keys ride in the same buffer,
// after the line, space-separated.
#pragma once

#include <berth/abi/berth_tracer.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace berth::trace_topic {

class trace_record {
 public:
  trace_record() = default;
  trace_record(std::string text, size_t line_size, size_t events)
      : text_(std::move(text)), line_size_(line_size), events_(events) {}

  // The JSON object and its '\n'.
  [[nodiscard]] std::string_view line() const { return std::string_view(text_).substr(0, line_size_); }
  // Its distinct keys, space-separated.
  [[nodiscard]] std::string_view keys() const { return std::string_view(text_).substr(line_size_); }
  // The events it records (the messages it lists, or 1).
  [[nodiscard]] size_t events() const { return events_; }

 private:
  std::string text_;
  size_t line_size_ = 0;
  size_t events_ = 0;
};

// Messages one line lists at most (a PULL may answer a thousand).
inline constexpr size_t max_messages_per_line = 64;

// The lines of `events`, in order.
std::vector<trace_record> records_of(std::span<const berth_trace_event* const> events);
trace_record record_of(const berth_trace_event& event);

// "produce", "deliver", "ack", "commit" (or "event-<n>" for a type this plugin predates).
std::string_view type_name(uint32_t type, std::string& scratch);

// Messages whose queue offsets share offset / position_span share a position key.
inline constexpr uint64_t position_span = 16;
std::string position_key(std::string_view topic, uint32_t queue, uint64_t queue_offset);
std::string commit_key(std::string_view topic, uint32_t queue);

}  // namespace berth::trace_topic
