#include "admin/admin_service.hpp"

#include "admin/dashboard_files.hpp"
#include "admin/http_target.hpp"
#include "admin/scrape_metrics.hpp"
#include "log/logger.hpp"

#include <berth/abi/berth_auth.h>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>

#include <fmt/format.h>

#include <charconv>
#include <mutex>

namespace berth::kernel::admin {
namespace {

namespace http = boost::beast::http;
using json = nlohmann::json;

log::logger_ptr logger() { return log::module("admin"); }

constexpr std::string_view api_prefix = "/api/v1/";
constexpr uint32_t max_key_matches = 64;  // as MESSAGE_BY_KEY

http_response reply(http::status status, std::string content_type, std::string body) {
  http_response res{status, 11};
  res.set(http::field::content_type, std::move(content_type));
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(body);
  return res;
}

http_response json_reply(http::status status, const json& body) {
  return reply(status, "application/json", body.dump());
}

http_response error_reply(http::status status, std::string_view code, std::string_view message) {
  return json_reply(status, json{{"error", code}, {"message", message}});
}

http_response view_reply(const view& v) {
  if (v) return json_reply(http::status::ok, v.value());
  return error_reply(static_cast<http::status>(v.error().status), v.error().code,
                     v.error().message);
}

// A path under `prefix` naming one thing: "/api/v1/topics/orders" -> "orders".
std::optional<std::string> one_below(const std::string& path, std::string_view prefix) {
  if (!path.starts_with(prefix) || path.size() == prefix.size()) return std::nullopt;
  std::string name = path.substr(prefix.size());
  if (name.find('/') != std::string::npos) return std::nullopt;
  return name;
}

// The paths that exist, for 404 against 405.
bool is_known_path(const std::string& path) {
  static const std::vector<std::string> exact{
      "/healthz",         "/readyz",        "/metrics",       "/api/v1/broker",
      "/api/v1/plugins",  "/api/v1/config", "/api/v1/topics", "/api/v1/groups",
      "/api/v1/messages"};
  if (std::find(exact.begin(), exact.end(), path) != exact.end()) return true;
  if (one_below(path, "/api/v1/topics/") || one_below(path, "/api/v1/groups/")) return true;
  for (const static_file& f : dashboard_files()) {
    if (f.path == path) return true;
  }
  return false;
}

std::optional<http_response> static_file_reply(const std::string& path) {
  for (const static_file& f : dashboard_files()) {
    if (f.path != path) continue;
    http_response res = reply(http::status::ok, std::string(f.content_type), std::string(f.body));
    // The page is the binary's: no inline script from elsewhere, nothing fetched from outside.
    res.set("Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "connect-src 'self'; frame-ancestors 'none'");
    res.set(http::field::x_frame_options, "DENY");
    res.set("X-Content-Type-Options", "nosniff");
    return res;
  }
  return std::nullopt;
}

uint32_t parse_max(const std::map<std::string, std::string>& query) {
  const auto it = query.find("max");
  uint32_t value = 32;
  if (it != query.end()) {
    const auto [end, err] =
        std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
    if (err != std::errc{} || end != it->second.data() + it->second.size() || value == 0) {
      value = 32;
    }
  }
  return std::min(value, max_key_matches);
}

}  // namespace

admin_service::admin_service(config::admin_settings settings, bool auth_required,
                             metrics::registry& metrics)
    : settings_(std::move(settings)), auth_required_(auth_required), metrics_(metrics) {}

admin_service::~admin_service() { stop(); }

result<void> admin_service::start() {
  if (!settings_.enabled || server_) return success();
  auto started = http_server::start(
      settings_.listen,
      server_limits{settings_.max_request_size, settings_.idle_timeout, settings_.max_connections},
      [this](const http_request& req, const std::string& peer) { return handle(req, peer); });
  if (!started) return boost::outcome_v2::failure(started.error());
  server_ = std::move(started).value();
  logger()->info("admin listener on http://{} (metrics, health, API, dashboard)",
                 server_->endpoint());
  return success();
}

void admin_service::serve(broker_parts parts, const auth::auth_gate* gate) {
  const std::unique_lock lock(parts_mutex_);
  parts_ = std::move(parts);
  gate_ = gate;
  phase_ = phase::serving;
}

void admin_service::withdraw() {
  const std::unique_lock lock(parts_mutex_);
  parts_.reset();
  gate_ = nullptr;
  phase_ = phase::stopping;
}

void admin_service::stop() {
  if (server_) server_->stop();
}

std::string admin_service::endpoint() const { return server_ ? server_->endpoint() : std::string(); }

http_response admin_service::handle(const http_request& req, const std::string& peer) {
  const auto target = parse_target(std::string_view(req.target().data(), req.target().size()));
  if (!target) return error_reply(http::status::bad_request, "bad_request", "malformed request target");
  const std::string& path = target->path;
  if (!is_known_path(path)) {
    return error_reply(http::status::not_found, "not_found", fmt::format("no such path: {}", path));
  }
  if (req.method() != http::verb::get) {
    http_response res = error_reply(http::status::method_not_allowed, "method_not_allowed",
                                    fmt::format("{} is not allowed on {}: only GET",
                                                std::string(req.method_string()), path));
    res.set(http::field::allow, "GET");
    return res;
  }
  if (path == "/healthz") return reply(http::status::ok, "text/plain; charset=utf-8", "ok\n");

  const std::shared_lock lock(parts_mutex_);
  if (path == "/readyz") return readiness();
  if (auto refused = refuse_unless_admin(req, path, peer)) return std::move(*refused);
  if (path == "/metrics") return metrics_text();
  if (auto file = static_file_reply(path)) return std::move(*file);
  if (!parts_) {
    return error_reply(http::status::service_unavailable, "unavailable",
                       phase_ == phase::starting ? "the broker is starting"
                                                 : "the broker is stopping");
  }
  if (auto answered = api(path, target->query)) return std::move(*answered);
  return error_reply(http::status::not_found, "not_found", fmt::format("no such path: {}", path));
}

std::optional<http_response> admin_service::refuse_unless_admin(const http_request& req,
                                                                const std::string& path,
                                                                const std::string& peer) const {
  if (!auth_required_) return std::nullopt;
  if (gate_ == nullptr) {
    return error_reply(http::status::service_unavailable, "unavailable",
                       "the broker is not serving: accounts cannot be checked");
  }
  const auto header = req.find(http::field::authorization);
  const auto given = header == req.end() ? std::nullopt
                                         : parse_basic_authorization(
                                               std::string_view(header->value().data(),
                                                                header->value().size()));
  const auth::auth_gate::admin_verdict verdict =
      gate_->admit_admin(peer, given ? given->user : std::string(),
                         given ? given->password : std::string(), path, BERTH_ACTION_GET);
  using outcome = auth::auth_gate::admin_verdict::outcome;
  if (verdict.result == outcome::allowed) return std::nullopt;
  logger()->warn("admin {} {} from {} refused: {}", std::string(req.method_string()), path, peer,
                 verdict.message);
  if (verdict.result == outcome::forbidden) {
    return error_reply(http::status::forbidden, "forbidden", verdict.message);
  }
  http_response res = error_reply(http::status::unauthorized, "unauthorized", verdict.message);
  res.set(http::field::www_authenticate, "Basic realm=\"berth\", charset=\"UTF-8\"");
  return res;
}

http_response admin_service::readiness() const {
  json checks = json::array();
  bool ready = phase_ == phase::serving;
  checks.push_back(json{{"name", "broker"},
                        {"ok", ready},
                        {"detail", phase_ == phase::starting  ? "starting (recovering the store)"
                                   : phase_ == phase::serving ? "serving"
                                                              : "stopping"}});
  if (parts_) {
    if (parts_->store != nullptr) {
      auto stats = parts_->store->stats();
      const bool ok = stats && stats.value().fenced == 0;
      std::string detail = !stats ? stats.error().message
                           : stats.value().fenced != 0
                               ? "fenced after an I/O error: appends are refused"
                           : stats.value().disk_full != 0
                               ? "recovered; the disk is full: appends are refused"
                               : "recovered";
      checks.push_back(json{{"name", "store"}, {"ok", ok}, {"detail", detail}});
      ready = ready && ok;
    }
    for (const transport_info& t : parts_->transports) {
      const bool ok = t.problem.empty();
      checks.push_back(json{{"name", "transport " + t.id},
                            {"ok", ok},
                            {"detail", ok ? "listening on " + t.endpoint : t.problem}});
      ready = ready && ok;
    }
  }
  return json_reply(ready ? http::status::ok : http::status::service_unavailable,
                    json{{"ready", ready}, {"checks", std::move(checks)}});
}

http_response admin_service::metrics_text() const {
  const bool ready = readiness().result() == http::status::ok;  // as /readyz would answer
  return reply(http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
               metrics_.serialize() + scrape_metrics_text(parts_ ? &*parts_ : nullptr, ready));
}

std::optional<http_response> admin_service::api(
    const std::string& path, const std::map<std::string, std::string>& query) const {
  if (!path.starts_with(api_prefix)) return std::nullopt;
  const broker_parts& parts = *parts_;
  if (path == "/api/v1/broker") return view_reply(broker_view(parts, phase_ == phase::serving));
  if (path == "/api/v1/plugins") return json_reply(http::status::ok, plugins_view(parts));
  if (path == "/api/v1/config") return json_reply(http::status::ok, config_view(*parts.config));
  if (path == "/api/v1/topics") return view_reply(topics_view(parts));
  if (path == "/api/v1/groups") return view_reply(groups_view(parts));
  if (auto name = one_below(path, "/api/v1/topics/")) return view_reply(topic_view(parts, *name));
  if (auto name = one_below(path, "/api/v1/groups/")) return view_reply(group_view(parts, *name));
  if (path == "/api/v1/messages") {
    const auto id = query.find("id");
    const auto topic = query.find("topic");
    const auto key = query.find("key");
    if (id != query.end() && !id->second.empty()) {
      return view_reply(message_by_id_view(parts, id->second));
    }
    if (topic != query.end() && key != query.end() && !topic->second.empty() &&
        !key->second.empty()) {
      return view_reply(messages_by_key_view(parts, topic->second, key->second, parse_max(query)));
    }
    return error_reply(http::status::bad_request, "bad_request",
                       "give ?id=<message id>, or ?topic=<topic>&key=<key>[&max=N]");
  }
  return std::nullopt;
}

}  // namespace berth::kernel::admin
