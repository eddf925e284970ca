#include "trace_record.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string_view>

namespace berth::trace_topic {
namespace {

std::string text(berth_str s) { return s.ptr == nullptr ? std::string() : std::string(s.ptr, s.len); }

}  // namespace

trace_record record_of(const berth_trace_event& e) {
  trace_record r;
  r.type = e.type;
  r.time_ms = e.time_ms;
  r.status = e.status;
  r.message_id = text(e.message_id);
  r.topic = text(e.topic);
  r.queue_id = e.queue_id;
  r.queue_offset = e.queue_offset;
  r.tags = text(e.tags);
  r.keys = text(e.keys);
  r.group = text(e.group);
  r.client = text(e.client);
  r.principal = text(e.principal);
  r.body_size = e.body_size;
  r.latency_us = e.latency_us;
  // Since 1.6: read only when the kernel's event has it.
  if (e.struct_size >= offsetof(berth_trace_event, traceparent) + sizeof e.traceparent) {
    r.traceparent = text(e.traceparent);
  }
  return r;
}

std::string type_name(uint32_t type) {
  switch (type) {
    case BERTH_TRACE_PRODUCE: return "produce";
    case BERTH_TRACE_DELIVER: return "deliver";
    case BERTH_TRACE_ACK: return "ack";
    case BERTH_TRACE_COMMIT: return "commit";
    default: return "event-" + std::to_string(type);
  }
}

std::string to_json_line(const trace_record& r, std::string_view broker) {
  nlohmann::ordered_json j;  // the fields in the order docs/tracing.md lists them
  j["type"] = type_name(r.type);
  j["time_ms"] = r.time_ms;
  j["broker"] = broker;
  j["topic"] = r.topic;
  j["queue_id"] = r.queue_id;
  j["queue_offset"] = r.queue_offset;
  if (!r.message_id.empty()) j["message_id"] = r.message_id;
  if (!r.tags.empty()) j["tags"] = r.tags;
  if (!r.keys.empty()) j["keys"] = r.keys;
  if (!r.group.empty()) j["group"] = r.group;
  j["client"] = r.client;
  if (!r.principal.empty()) j["principal"] = r.principal;
  if (!r.traceparent.empty()) j["traceparent"] = r.traceparent;
  if (r.type != BERTH_TRACE_COMMIT) j["body_size"] = r.body_size;
  j["cost_us"] = r.latency_us;
  j["status"] = r.status;
  // Bytes that are not UTF-8 (a tag is the producer's) are replaced, never refused.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string commit_key(std::string_view topic, uint32_t queue) {
  return "commit:" + std::string(topic) + ":" + std::to_string(queue);
}

std::string lookup_key(const trace_record& r) {
  if (r.type == BERTH_TRACE_COMMIT || r.message_id.empty()) return commit_key(r.topic, r.queue_id);
  return r.message_id;
}

}  // namespace berth::trace_topic
