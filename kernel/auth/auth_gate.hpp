// The gate every request passes before its handler (router::set_gate): the signature block
// taken off, the signature checked by the auth plugin (authenticate), the request id checked
// against replays on its connection, and each (resource, action) the request needs checked by
// the plugin (authorize). HELLO passes unchecked: it is how a client learns the nonce it signs.
//
// Without an auth plugin nothing is required, and a signed request's block is taken off
// unread (a client with credentials may talk to any broker).
//
// Every refusal has its own status (UNAUTHENTICATED, BAD_SIGNATURE, SIGNATURE_EXPIRED,
// REPLAYED, FORBIDDEN) and a message that names what is missing but never a secret; it is
// counted in berth_auth_refusals_total{reason} and logged at most once a second.
#pragma once

#include "metrics/registry.hpp"
#include "plugin_host/instance.hpp"
#include "protocol/router.hpp"

#include <berth/abi/berth_auth.h>

#include <atomic>
#include <cstdint>
#include <string>

namespace berth::kernel::auth {

class auth_gate {
 public:
  // `auth` may be null (no [auth] table).
  auth_gate(plugin_host::instance_ptr auth, metrics::registry& metrics);

  [[nodiscard]] bool required() const noexcept { return auth_ != nullptr; }
  // True: the request goes on, req.body being its own fields. False: refused and answered.
  bool admit(const protocol::connection_ptr& from, protocol::request& req,
             const protocol::responder& answer) const;

 private:
  enum reason : uint32_t { unsigned_request, bad_signature, expired, replayed, unknown_key,
                           forbidden, malformed, reason_count };

  bool refuse(reason why, wire::status status, const std::string& message,
              const protocol::connection_ptr& from, const protocol::responder& answer) const;

  plugin_host::instance_ptr auth_;
  const berth_auth_ops* ops_ = nullptr;
  metrics::registry& metrics_;
  uint32_t refusals_[reason_count] = {};
  mutable std::atomic<int64_t> last_log_ms_{0};
};

}  // namespace berth::kernel::auth
