// Tracer plugins in C++: derive from tracer_plugin and write
//   BERTH_DEFINE_TRACER_PLUGIN(my_tracer, "name", "1.0.0", "description", schema_json);
#pragma once

#include <berth/abi/berth_tracer.h>
#include <berth/plugin/plugin.hpp>

namespace berth::sdk {

class tracer_plugin {
 public:
  virtual ~tracer_plugin() = default;
  // Hot path, any thread: never block; drop and count when you cannot keep up.
  virtual void on_event(const berth_trace_event& event) = 0;
};

namespace detail {

template <class Impl>
struct tracer_adapter {
  static void on_event(berth_instance* instance, const berth_trace_event* event) noexcept {
    if (event == nullptr) return;
    guarded(nullptr, [&] { impl_of<Impl>(instance).on_event(*event); });
  }
  static constexpr berth_tracer_ops ops{sizeof(berth_tracer_ops), &on_event};
};

}  // namespace detail
}  // namespace berth::sdk

#define BERTH_DEFINE_TRACER_PLUGIN(IMPL, NAME, VERSION, DESCRIPTION, SCHEMA)                  \
  BERTH_PLUGIN_ENTRY((::berth::sdk::detail::describe<IMPL>(                                    \
      BERTH_KIND_TRACER, NAME, VERSION, DESCRIPTION, SCHEMA,                                   \
      &::berth::sdk::detail::tracer_adapter<IMPL>::ops)))
