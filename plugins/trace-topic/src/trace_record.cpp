#include "trace_record.hpp"

#include "json_line.hpp"

#include <algorithm>

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

// Events that may share a line: what the line says once.
bool same_line(const berth_trace_event& a, const berth_trace_event& b) {
  return a.type == b.type && a.queue_id == b.queue_id && a.status == b.status &&
         a.latency_us == b.latency_us && text(a.topic) == text(b.topic) &&
         text(a.group) == text(b.group) && text(a.client) == text(b.client) &&
         text(a.principal) == text(b.principal);
}

void optional(json_line& j, std::string_view name, std::string_view value) {
  if (!value.empty()) j.field(name, value);
}

// The fields every line has, from its first event.
void write_head(json_line& j, const berth_trace_event& e) {
  std::string scratch;
  j.field("type", type_name(e.type, scratch));
  j.field("time_ms", e.time_ms);
  j.field("topic", text(e.topic));
  j.field("queue_id", uint64_t{e.queue_id});
}

void write_tail(json_line& j, const berth_trace_event& e) {
  optional(j, "group", text(e.group));
  j.field("client", text(e.client));
  optional(j, "principal", text(e.principal));
  j.field("cost_us", e.latency_us);
  j.field("status", int64_t{e.status});
}

trace_record commit_record(const berth_trace_event& e) {
  std::string out;
  out.reserve(256);
  json_line j(out);
  write_head(j, e);
  j.field("queue_offset", e.queue_offset);
  write_tail(j, e);
  j.close();
  out.push_back('\n');
  const size_t line_size = out.size();
  out += commit_key(text(e.topic), e.queue_id);
  return trace_record(std::move(out), line_size, 1);
}

// One line for events[0..n), which share what same_line() compares.
trace_record message_record(std::span<const berth_trace_event* const> events) {
  const berth_trace_event& first = *events.front();
  std::string out;
  out.reserve(192 + 96 * events.size());
  json_line j(out);
  write_head(j, first);
  write_tail(j, first);
  j.array_begin("messages");
  std::vector<std::string> keys;  // distinct, in order: a request's offsets share a few
  for (size_t i = 0; i < events.size(); ++i) {
    const berth_trace_event& e = *events[i];
    if (i > 0) j.item_separator();
    json_line m(out);
    optional(m, "message_id", text(e.message_id));
    m.field("queue_offset", e.queue_offset);
    optional(m, "tags", text(e.tags));
    optional(m, "keys", text(e.keys));
    optional(m, "traceparent", traceparent_of(e));
    m.field("body_size", e.body_size);
    m.close();
    std::string key = position_key(text(e.topic), e.queue_id, e.queue_offset);
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(std::move(key));
  }
  j.array_end();
  j.close();
  out.push_back('\n');
  const size_t line_size = out.size();
  for (size_t k = 0; k < keys.size(); ++k) {
    if (k > 0) out.push_back(' ');
    out += keys[k];
  }
  return trace_record(std::move(out), line_size, events.size());
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

std::vector<trace_record> records_of(std::span<const berth_trace_event* const> events) {
  std::vector<trace_record> out;
  size_t i = 0;
  while (i < events.size()) {
    if (events[i]->type == BERTH_TRACE_COMMIT) {
      out.push_back(commit_record(*events[i]));
      ++i;
      continue;
    }
    size_t n = 1;
    while (i + n < events.size() && n < max_messages_per_line &&
           same_line(*events[i], *events[i + n])) {
      ++n;
    }
    out.push_back(message_record(events.subspan(i, n)));
    i += n;
  }
  return out;
}

trace_record record_of(const berth_trace_event& event) {
  const berth_trace_event* one = &event;
  return records_of(std::span<const berth_trace_event* const>(&one, 1)).front();
}

}  // namespace berth::trace_topic
