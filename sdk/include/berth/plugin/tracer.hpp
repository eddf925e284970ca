// Tracer plugins in C++: derive from tracer_plugin and write
//   BERTH_DEFINE_TRACER_PLUGIN(my_tracer, "name", "1.0.0", "description", schema_json);
#pragma once

#include <berth/abi/berth_tracer.h>
#include <berth/plugin/plugin.hpp>

#include <span>

namespace berth::sdk {

class tracer_plugin {
 public:
  virtual ~tracer_plugin() = default;
  // Hot path, any thread: never block; drop and count when you cannot keep up.
  virtual void on_event(const berth_trace_event& event) = 0;
  // The events of one request at once (ABI 1.6); by default each goes to on_event.
  virtual void on_events(std::span<const berth_trace_event* const> events) {
    for (const berth_trace_event* e : events) on_event(*e);
  }
};

namespace detail {

template <class Impl>
struct tracer_adapter {
  static void on_event(berth_instance* instance, const berth_trace_event* event) noexcept {
    if (event == nullptr) return;
    guarded(nullptr, [&] { impl_of<Impl>(instance).on_event(*event); });
  }
  static void on_events(berth_instance* instance, const berth_trace_event* const* events,
                        uint32_t count) noexcept {
    if (events == nullptr || count == 0) return;
    guarded(nullptr, [&] {
      impl_of<Impl>(instance).on_events(std::span<const berth_trace_event* const>(events, count));
    });
  }
  static constexpr berth_tracer_ops ops{sizeof(berth_tracer_ops), &on_event, &on_events};
};

}  // namespace detail
}  // namespace berth::sdk

#define BERTH_DEFINE_TRACER_PLUGIN(IMPL, NAME, VERSION, DESCRIPTION, SCHEMA)                  \
  BERTH_PLUGIN_ENTRY((::berth::sdk::detail::describe<IMPL>(                                    \
      BERTH_KIND_TRACER, NAME, VERSION, DESCRIPTION, SCHEMA,                                   \
      &::berth::sdk::detail::tracer_adapter<IMPL>::ops)))
