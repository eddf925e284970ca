#include "trace/trace_hub.hpp"

#include "topic/system_topics.hpp"

#include <vector>

namespace berth::kernel::trace {

namespace {

berth_str abi(std::string_view s) { return berth_str{s.data(), s.size()}; }

}  // namespace

void trace_hub::add(plugin_host::instance_ptr tracer) {
  if (tracer && tracer->kind() == config::plugin_kind::tracer) tracers_.push_back(std::move(tracer));
}

void trace_hub::emit(const berth_trace_event& event) const noexcept {
  for (const plugin_host::instance_ptr& t : tracers_) {
    t->ops<berth_tracer_ops>().on_event(t->handle(), &event);
  }
}

void trace_hub::emit_all(std::span<const berth_trace_event* const> events) const noexcept {
  if (events.empty()) return;
  for (const plugin_host::instance_ptr& t : tracers_) {
    const auto& ops = t->ops<berth_tracer_ops>();
    if (BERTH_HAS_FIELD(&ops, berth_tracer_ops, on_events) && ops.on_events != nullptr) {
      ops.on_events(t->handle(), events.data(), static_cast<uint32_t>(events.size()));
    } else {
      for (const berth_trace_event* e : events) ops.on_event(t->handle(), e);
    }
  }
}

void trace_hub::message_events(uint32_t type, std::span<const berth_message_view* const> messages,
                               std::string_view group, const protocol::connection& client,
                               std::chrono::nanoseconds cost) const {
  const std::string principal = client.principal();
  const auto latency_us = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(cost).count());
  std::vector<berth_trace_event> events;
  events.reserve(messages.size());
  for (const berth_message_view* m : messages) {
    // The broker's own topics (the trace topic itself) are not traced: reading the trace
    // topic would otherwise write more of it.
    if (topic::is_system_topic(std::string_view(m->topic.ptr, m->topic.len))) continue;
    berth_trace_event& e = events.emplace_back(new_event(type));
    e.topic = m->topic;
    e.queue_id = m->queue_id;
    e.queue_offset = m->queue_offset;
    e.message_id = m->message_id;
    e.tags = m->tags;
    e.keys = m->keys;
    e.group = abi(group);
    e.client = abi(client.peer());
    e.principal = abi(principal);
    e.body_size = m->body.len;
    e.latency_us = latency_us;
    e.traceparent = abi(traceparent_of(m->properties, m->property_count));
  }
  std::vector<const berth_trace_event*> pointers;
  pointers.reserve(events.size());
  for (const berth_trace_event& e : events) pointers.push_back(&e);
  emit_all(pointers);
}

void trace_hub::commit_event(std::string_view group, std::string_view topic, uint32_t queue,
                             uint64_t offset, const protocol::connection& client) const {
  if (topic::is_system_topic(topic)) return;
  berth_trace_event e = new_event(BERTH_TRACE_COMMIT);
  e.topic = abi(topic);
  e.queue_id = queue;
  e.queue_offset = offset;
  e.group = abi(group);
  e.client = abi(client.peer());
  const std::string principal = client.principal();
  e.principal = abi(principal);
  emit(e);
}

std::string_view traceparent_of(const berth_property* properties, uint32_t count) {
  for (uint32_t i = 0; i < count; ++i) {
    const std::string_view name(properties[i].name.ptr, properties[i].name.len);
    if (name == "traceparent") return {properties[i].value.ptr, properties[i].value.len};
  }
  return {};
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

berth_trace_event new_event(uint32_t type) {
  berth_trace_event e{};
  e.struct_size = sizeof e;
  e.type = type;
  e.time_ms = now_ms();
  return e;
}

}  // namespace berth::kernel::trace
