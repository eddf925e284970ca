// What every kind's adapter shares: the instance holder, create/destroy trampolines, the
// descriptor and the entry-symbol macro. Plugin authors include the header of their kind
// (filter.hpp, transport.hpp, ...) and write one BERTH_DEFINE_<KIND>_PLUGIN line.
#pragma once

#include <berth/abi/berth_abi.h>
#include <berth/abi/berth_host.h>
#include <berth/plugin/error.hpp>
#include <berth/plugin/host.hpp>

namespace berth::sdk::detail {

// One instance as the host sees it (berth_instance*): the host wrapper, then the plugin's
// object, constructed from it. The wrapper outlives the object.
template <class Impl>
struct instance_holder {
  sdk::host host;
  Impl impl;
  instance_holder(const berth_host* table, berth_host_ctx* ctx) : host(table, ctx), impl(host) {}
};

template <class Impl>
Impl& impl_of(berth_instance* instance) noexcept {
  return reinterpret_cast<instance_holder<Impl>*>(instance)->impl;
}

// The last host member this SDK calls; an older host without it is refused in create().
inline bool host_is_complete(const berth_host* table) noexcept {
  return BERTH_HAS_FIELD(table, berth_host, instance_id);
}

template <class Impl>
struct lifecycle {
  static berth_status create(const berth_host* table, berth_host_ctx* ctx, berth_instance** out,
                             berth_errbuf* err) noexcept {
    if (out == nullptr) return BERTH_E_INVALID;
    *out = nullptr;
    if (!host_is_complete(table)) {
      write_error(err, "the host's service table is older than this plugin's SDK");
      return BERTH_E_UNSUPPORTED;
    }
    return guarded(err, [&] {
      *out = reinterpret_cast<berth_instance*>(new instance_holder<Impl>(table, ctx));
    });
  }
  static void destroy(berth_instance* instance) noexcept {
    delete reinterpret_cast<instance_holder<Impl>*>(instance);
  }
};

// A plugin class that has `void reload()` (re-read its files; throw to keep what it had) gets
// the descriptor's reload hook (ABI 1.4); others leave it NULL.
template <class Impl>
concept reloadable = requires(Impl& impl) { impl.reload(); };

template <class Impl>
struct reload_adapter {
  static berth_status reload(berth_instance* instance, berth_errbuf* err) noexcept {
    return guarded(err, [&] { impl_of<Impl>(instance).reload(); });
  }
};

template <class Impl>
constexpr auto reload_hook() {
  if constexpr (reloadable<Impl>) {
    return &reload_adapter<Impl>::reload;
  } else {
    return static_cast<berth_status (*)(berth_instance*, berth_errbuf*)>(nullptr);
  }
}

template <class Impl, class Ops>
constexpr berth_plugin describe(uint32_t kind, const char* name, const char* version,
                                const char* description, const char* schema, const Ops* ops) {
  return berth_plugin{sizeof(berth_plugin),
                      BERTH_ABI_MAJOR,
                      BERTH_ABI_MINOR,
                      kind,
                      0u,
                      name,
                      version,
                      description,
                      schema,
                      &lifecycle<Impl>::create,
                      &lifecycle<Impl>::destroy,
                      ops,
                      reload_hook<Impl>()};
}

}  // namespace berth::sdk::detail

// Emits the library's one exported symbol, returning a static descriptor.
#define BERTH_PLUGIN_ENTRY(DESCRIPTOR)                                                         \
  extern "C" BERTH_EXPORT const berth_plugin* berth_plugin_entry(uint16_t, uint16_t) {         \
    static const berth_plugin descriptor = DESCRIPTOR;                                         \
    return &descriptor;                                                                        \
  }
