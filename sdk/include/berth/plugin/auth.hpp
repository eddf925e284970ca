// Auth plugins in C++: derive from auth_plugin and write
//   BERTH_DEFINE_AUTH_PLUGIN(my_auth, "name", "1.0.0", "description", schema_json);
#pragma once

#include <berth/abi/berth_auth.h>
#include <berth/plugin/plugin.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace berth::sdk {

// An authenticated principal. Immutable; used from any thread.
class identity {
 public:
  virtual ~identity() = default;
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
};

class auth_plugin {
 public:
  virtual ~auth_plugin() = default;
  // Throw plugin_error(BERTH_E_DENIED, reason) to refuse; the reason reaches the client.
  virtual std::unique_ptr<identity> authenticate(const berth_credentials& credentials) = 0;
  // Throw plugin_error(BERTH_E_DENIED, reason) to deny; return to allow.
  virtual void authorize(const identity& who, uint32_t resource_type, std::string_view resource,
                         uint32_t action) = 0;
};

namespace detail {

template <class Impl>
struct auth_adapter {
  static berth_status authenticate(berth_instance* instance, const berth_credentials* credentials,
                                   berth_identity** out, berth_errbuf* err) noexcept {
    if (out == nullptr || credentials == nullptr) return BERTH_E_INVALID;
    *out = nullptr;
    return guarded(err, [&] {
      std::unique_ptr<identity> who = impl_of<Impl>(instance).authenticate(*credentials);
      if (!who) throw plugin_error(BERTH_E_DENIED, "authentication failed");
      *out = reinterpret_cast<berth_identity*>(who.release());
    });
  }
  static berth_status authorize(berth_instance* instance, const berth_identity* who,
                                uint32_t resource_type, berth_str resource, uint32_t action,
                                berth_errbuf* err) noexcept {
    if (who == nullptr) return BERTH_E_INVALID;
    return guarded(err, [&] {
      impl_of<Impl>(instance).authorize(*reinterpret_cast<const identity*>(who), resource_type,
                                        view(resource), action);
    });
  }
  static berth_str identity_name(const berth_identity* who) noexcept {
    if (who == nullptr) return berth_str{nullptr, 0};
    return abi_str(reinterpret_cast<const identity*>(who)->name());
  }
  static void release_identity(berth_identity* who) noexcept {
    delete reinterpret_cast<identity*>(who);
  }
  static constexpr berth_auth_ops ops{sizeof(berth_auth_ops), &authenticate, &authorize,
                                      &identity_name, &release_identity};
};

}  // namespace detail
}  // namespace berth::sdk

#define BERTH_DEFINE_AUTH_PLUGIN(IMPL, NAME, VERSION, DESCRIPTION, SCHEMA)                    \
  BERTH_PLUGIN_ENTRY((::berth::sdk::detail::describe<IMPL>(                                    \
      BERTH_KIND_AUTH, NAME, VERSION, DESCRIPTION, SCHEMA,                                     \
      &::berth::sdk::detail::auth_adapter<IMPL>::ops)))
