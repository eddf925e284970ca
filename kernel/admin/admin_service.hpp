// The admin listener (docs/admin-api.md): /healthz, /readyz, /metrics, the JSON API under
// /api/v1 and the dashboard at /, on its own HTTP server and thread (http_server.hpp).
//
// It starts before the broker's store is opened, so that /healthz answers and /readyz says
// "starting" through a long recovery; the broker hands over its parts once it serves and takes
// them back before it tears them down. Without them, every path but /healthz, /readyz and
// /metrics answers 503.
//
// With an [auth] plugin, every path but /healthz and /readyz needs HTTP Basic credentials (an
// access key and its secret key) of an account that may GET the cluster (admin = true with
// auth-acl): 401 without or with wrong ones, 403 for another account.
#pragma once

#include "admin/admin_views.hpp"
#include "admin/http_server.hpp"
#include "auth/auth_gate.hpp"
#include "config/broker_config.hpp"
#include "metrics/registry.hpp"

#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>

namespace berth::kernel::admin {

class admin_service {
 public:
  // `auth_required`: an [auth] table is configured (until serve() hands over its gate,
  // protected paths answer 503).
  admin_service(config::admin_settings settings, bool auth_required, metrics::registry& metrics);
  ~admin_service();
  admin_service(const admin_service&) = delete;
  admin_service& operator=(const admin_service&) = delete;

  // Bind and serve. Disabled ([admin] enabled = false): does nothing.
  result<void> start();
  // The broker serves: the API reads `parts`. `gate` is null without [auth].
  void serve(broker_parts parts, const auth::auth_gate* gate);
  // The broker is stopping: from now on 503; returns once no request reads the parts.
  void withdraw();
  // Close the listener and every connection. Idempotent.
  void stop();

  // The bound address ("127.0.0.1:10980"); empty when disabled or not started.
  [[nodiscard]] std::string endpoint() const;

 private:
  enum class phase : uint8_t { starting, serving, stopping };

  http_response handle(const http_request& req, const std::string& peer);
  http_response readiness() const;
  http_response metrics_text() const;
  // The route for `path` under /api/v1 or the dashboard; nullopt: 404.
  std::optional<http_response> api(const std::string& path,
                                   const std::map<std::string, std::string>& query) const;
  // Null when the caller may go on, else the 401/403 to send.
  std::optional<http_response> refuse_unless_admin(const http_request& req,
                                                   const std::string& path,
                                                   const std::string& peer) const;

  config::admin_settings settings_;
  bool auth_required_;
  metrics::registry& metrics_;
  std::unique_ptr<http_server> server_;
  // serve() and withdraw() take it exclusively; requests share it while they read parts_.
  mutable std::shared_mutex parts_mutex_;
  std::optional<broker_parts> parts_;
  const auth::auth_gate* gate_ = nullptr;
  phase phase_ = phase::starting;
};

}  // namespace berth::kernel::admin
