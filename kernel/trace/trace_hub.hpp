// Where the kernel reports what happened to messages: the tracer plugin instances (berth_tracer.h),
// each handed every event. The kernel's hot paths ask active() first, so a broker without a
// tracer builds no event at all.
//
// Events: PRODUCE (stored, per message, with the request's cost), DELIVER (handed to a consumer
// by PULL or POP, per message), ACK (POP's ACK, per message), COMMIT (a group's offset on a
// queue moved: every message below it is done for the group).
#pragma once

#include "plugin_host/instance.hpp"
#include "protocol/connection.hpp"

#include <berth/abi/berth_message.h>
#include <berth/abi/berth_tracer.h>

#include <chrono>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace berth::kernel::trace {

class trace_hub {
 public:
  // At setup, before any request: every instance of kind tracer.
  void add(plugin_host::instance_ptr tracer);
  void clear() { tracers_.clear(); }

  [[nodiscard]] bool active() const noexcept { return !tracers_.empty(); }
  // To every tracer. Never throws; never blocks (tracers may not).
  void emit(const berth_trace_event& event) const noexcept;
  // The events of one request, to every tracer at once (on_events, ABI 1.6) or one by one.
  void emit_all(std::span<const berth_trace_event* const> events) const noexcept;

  // Messages a consumer was handed (DELIVER) or acknowledged (ACK), from their stored views:
  // one call per request.
  void message_events(uint32_t type, std::span<const berth_message_view* const> messages,
                      std::string_view group, const protocol::connection& client,
                      std::chrono::nanoseconds cost) const;
  // A group's committed offset on a queue changed (COMMIT).
  void commit_event(std::string_view group, std::string_view topic, uint32_t queue,
                    uint64_t offset, const protocol::connection& client) const;

 private:
  std::vector<plugin_host::instance_ptr> tracers_;
};

// The W3C traceparent property of a message's properties, empty when it has none.
[[nodiscard]] std::string_view traceparent_of(const berth_property* properties, uint32_t count);

// Unix milliseconds now.
[[nodiscard]] int64_t now_ms();

// An event with its struct_size, type and time set, everything else empty.
[[nodiscard]] berth_trace_event new_event(uint32_t type);

}  // namespace berth::kernel::trace
