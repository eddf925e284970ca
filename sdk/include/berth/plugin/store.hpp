// Store plugins in C++: derive from store_plugin (open and recover in the constructor) and
//   BERTH_DEFINE_STORE_PLUGIN(my_store, "name", "1.0.0", "description", schema_json);
#pragma once

#include <berth/abi/berth_store.h>
#include <berth/plugin/plugin.hpp>

namespace berth::sdk {

class store_plugin {
 public:
  virtual ~store_plugin() = default;
  // Durability barrier; throw plugin_error(BERTH_E_IO, cause) once fenced. Any thread.
  virtual void sync() = 0;
};

namespace detail {

template <class Impl>
struct store_adapter {
  static berth_status sync(berth_instance* instance, berth_errbuf* err) noexcept {
    return guarded(err, [&] { impl_of<Impl>(instance).sync(); });
  }
  static constexpr berth_store_ops ops{sizeof(berth_store_ops), &sync};
};

}  // namespace detail
}  // namespace berth::sdk

#define BERTH_DEFINE_STORE_PLUGIN(IMPL, NAME, VERSION, DESCRIPTION, SCHEMA)                   \
  BERTH_PLUGIN_ENTRY((::berth::sdk::detail::describe<IMPL>(                                    \
      BERTH_KIND_STORE, NAME, VERSION, DESCRIPTION, SCHEMA,                                    \
      &::berth::sdk::detail::store_adapter<IMPL>::ops)))
