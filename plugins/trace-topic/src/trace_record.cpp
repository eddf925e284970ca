#include "trace_record.hpp"

#include "json_line.hpp"

#include <cstddef>

namespace berth::trace_topic {
namespace {

std::string_view text(berth_str s) {
  return s.ptr == nullptr ? std::string_view() : std::string_view(s.ptr, s.len);
}

// Since 1.6: read only when the kernel's event has it.
std::string_view traceparent_of(const berth_trace_event& e) {
  if (e.struct_size < offsetof(berth_trace_event, traceparent) + sizeof e.traceparent) return {};
  return text(e.traceparent);
}

}  // namespace

std::string_view type_name(uint32_t type, std::string& scratch) {
  switch (type) {
    case BERTH_TRACE_PRODUCE: return "produce";
    case BERTH_TRACE_DELIVER: return "deliver";
    case BERTH_TRACE_ACK: return "ack";
    case BERTH_TRACE_COMMIT: return "commit";
    default: scratch = "event-" + std::to_string(type); return scratch;
  }
}

std::string position_key(std::string_view topic, uint32_t queue, uint64_t queue_offset) {
  return std::string(topic) + ":" + std::to_string(queue) + ":" +
         std::to_string(queue_offset / position_span);
}

std::string commit_key(std::string_view topic, uint32_t queue) {
  return "commit:" + std::string(topic) + ":" + std::to_string(queue);
}

trace_record record_of(const berth_trace_event& e) {
  const std::string_view id = text(e.message_id);
  std::string out;
  out.reserve(256 + e.tags.len + e.keys.len);
  json_line j(out);
  std::string scratch;
  j.field("type", type_name(e.type, scratch));
  j.field("time_ms", e.time_ms);
  j.field("topic", text(e.topic));
  j.field("queue_id", uint64_t{e.queue_id});
  j.field("queue_offset", e.queue_offset);
  const auto optional = [&](std::string_view name, std::string_view value) {
    if (!value.empty()) j.field(name, value);
  };
  optional("message_id", id);
  optional("tags", text(e.tags));
  optional("keys", text(e.keys));
  optional("group", text(e.group));
  j.field("client", text(e.client));
  optional("principal", text(e.principal));
  optional("traceparent", traceparent_of(e));
  if (e.type != BERTH_TRACE_COMMIT) j.field("body_size", e.body_size);
  j.field("cost_us", e.latency_us);
  j.field("status", int64_t{e.status});
  j.close();
  out.push_back('\n');
  const size_t line_size = out.size();
  out += e.type == BERTH_TRACE_COMMIT ? commit_key(text(e.topic), e.queue_id)
                                      : position_key(text(e.topic), e.queue_id, e.queue_offset);
  return trace_record(std::move(out), line_size);
}

}  // namespace berth::trace_topic
