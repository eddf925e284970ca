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
#include <berth/wire/signing.hpp>

#include <atomic>
#include <cstdint>
#include <optional>
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
  // conn_authenticate (ABI 1.7): a transport vouches for the credentials' form; the plugin
  // checks them and, on BERTH_OK, the connection's unsigned requests run as that identity.
  berth_status authenticate_connection(const protocol::connection_ptr& conn,
                                       const berth_credentials& credentials,
                                       std::string& reason_text) const;

  // The admin listener's callers (HTTP Basic: an access key and its secret key). The kernel
  // signs on the caller's behalf with the secret it was given, so the plugin checks it as it
  // checks any signed request, secrets never cross the ABI, and every auth plugin works
  // unchanged; then the plugin is asked whether the account may `action` the cluster resource
  // `what` (an admin account's right with auth-acl). Refusals are counted like the data path's.
  struct admin_verdict {
    enum class outcome : uint8_t { allowed, unauthenticated, forbidden } result;
    std::string principal;  // who, when authenticated
    std::string message;    // why not, never quoting a secret
  };
  [[nodiscard]] admin_verdict admit_admin(std::string_view peer, std::string_view access_key,
                                          std::string_view secret_key, std::string_view what,
                                          uint32_t action) const;

 private:
  enum reason : uint32_t { unsigned_request, bad_signature, expired, replayed, unknown_key,
                           forbidden, malformed, reason_count };

  bool refuse(reason why, wire::status status, const std::string& message,
              const protocol::connection_ptr& from, const protocol::responder& answer) const;

  // The identity an authenticate() made, released whatever happens.
  class identity_hold {
   public:
    identity_hold(const berth_auth_ops* ops, berth_identity* who) : ops_(ops), who_(who) {}
    ~identity_hold() {
      if (who_ != nullptr) ops_->release_identity(who_);
    }
    identity_hold(const identity_hold&) = delete;
    identity_hold& operator=(const identity_hold&) = delete;
    [[nodiscard]] std::string name() const {
      const berth_str n = ops_->identity_name(who_);
      return n.len == 0 ? std::string("?") : std::string(n.ptr, n.len);
    }

   private:
    const berth_auth_ops* ops_;
    berth_identity* who_;
  };

  // The identity of a signed request, or nullptr when refused (and answered).
  const berth_identity* authenticate_request(const protocol::connection_ptr& from,
                                             const protocol::request& req,
                                             const wire::signed_body& signed_part,
                                             const protocol::responder& answer,
                                             std::optional<identity_hold>& hold) const;
  // The plugin's authenticate, with the connection's peer and TLS subject filled in.
  berth_status authenticate(const protocol::connection_ptr& from, berth_credentials credentials,
                            berth_identity** who, std::string& reason_text) const;
  berth_status authenticate(std::string_view peer, std::string_view tls_subject,
                            berth_credentials credentials, berth_identity** who,
                            std::string& reason_text) const;
  void count_refusal(reason why) const;
  void refuse_authentication(berth_status status, const std::string& reason_text,
                             const protocol::connection_ptr& from,
                             const protocol::responder& answer) const;
  bool authorize_request(const protocol::connection_ptr& from, const protocol::request& req,
                         const berth_identity* who, const protocol::responder& answer) const;

  plugin_host::instance_ptr auth_;
  const berth_auth_ops* ops_ = nullptr;
  metrics::registry& metrics_;
  uint32_t refusals_[reason_count] = {};
  mutable std::atomic<int64_t> last_log_ms_{0};
};

}  // namespace berth::kernel::auth
