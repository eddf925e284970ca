// Transport plugins in C++: derive from transport_plugin and write
//   BERTH_DEFINE_TRANSPORT_PLUGIN(my_transport, "name", "1.0.0", "description", schema_json);
#pragma once

#include <berth/abi/berth_transport.h>
#include <berth/plugin/plugin.hpp>

#include <chrono>
#include <string>

namespace berth::sdk {

class transport_plugin {
 public:
  virtual ~transport_plugin() = default;
  // Bind and start accepting; throw on failure (e.g. address in use). Main thread.
  virtual void start() = 0;
  // Stop accepting, finish in-flight work, close connections by `deadline` (monotonic clock,
  // as host::now_monotonic()). Main thread.
  virtual void stop(std::chrono::nanoseconds deadline) = 0;
  // The bound endpoint, "ip:port". Main thread, after start().
  [[nodiscard]] virtual std::string endpoint() const = 0;
};

namespace detail {

template <class Impl>
struct transport_adapter {
  static berth_status start(berth_instance* instance, berth_errbuf* err) noexcept {
    return guarded(err, [&] { impl_of<Impl>(instance).start(); });
  }
  static void stop(berth_instance* instance, uint64_t deadline_ns) noexcept {
    guarded(nullptr, [&] {
      impl_of<Impl>(instance).stop(std::chrono::nanoseconds(static_cast<int64_t>(deadline_ns)));
    });
  }
  static berth_status endpoint(berth_instance* instance, char* buf, size_t cap) noexcept {
    berth_errbuf out{buf, cap};
    const std::string text = guarded_value<std::string>(std::string{}, [&] {
      return impl_of<Impl>(instance).endpoint();
    });
    if (text.empty()) return BERTH_E_INTERNAL;
    write_error(&out, text);
    return text.size() < cap ? BERTH_OK : BERTH_E_FULL;
  }
  static constexpr berth_transport_ops ops{sizeof(berth_transport_ops), &start, &stop, &endpoint};
};

}  // namespace detail
}  // namespace berth::sdk

#define BERTH_DEFINE_TRANSPORT_PLUGIN(IMPL, NAME, VERSION, DESCRIPTION, SCHEMA)               \
  BERTH_PLUGIN_ENTRY((::berth::sdk::detail::describe<IMPL>(                                    \
      BERTH_KIND_TRANSPORT, NAME, VERSION, DESCRIPTION, SCHEMA,                                \
      &::berth::sdk::detail::transport_adapter<IMPL>::ops)))
