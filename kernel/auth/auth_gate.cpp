#include "auth/auth_gate.hpp"

#include "auth/access.hpp"
#include "log/logger.hpp"

#include <berth/crypto/hmac_sha256.hpp>

#include <berth/wire/signing.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>

namespace berth::kernel::auth {

namespace {

log::logger_ptr logger() { return log::module("auth"); }

constexpr std::array<const char*, 7> reason_labels{
    "unsigned", "bad_signature", "expired", "replayed", "unknown_key", "forbidden", "malformed"};

std::string text_of(const std::array<char, 512>& buf, const char* fallback) {
  return buf[0] != '\0' ? std::string(buf.data()) : std::string(fallback);
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

berth_str abi(std::string_view s) { return berth_str{s.data(), s.size()}; }
berth_bytes abi(std::span<const uint8_t> b) { return berth_bytes{b.data(), b.size()}; }

}  // namespace

auth_gate::auth_gate(plugin_host::instance_ptr auth, metrics::registry& metrics)
    : auth_(std::move(auth)), metrics_(metrics) {
  if (auth_) ops_ = &auth_->ops<berth_auth_ops>();
  for (uint32_t r = 0; r < reason_count; ++r) {
    refusals_[r] = metrics_
                       .add(metrics::metric_type::counter, "berth_auth_refusals_total",
                            "Requests refused by authentication or authorization, by reason",
                            {{"reason", reason_labels[r]}})
                       .value();
  }
}

bool auth_gate::refuse(reason why, wire::status status, const std::string& message,
                       const protocol::connection_ptr& from,
                       const protocol::responder& answer) const {
  metrics_.add(refusals_[why], 1);
  // A client that keeps failing must not flood the log: one line a second at most.
  const int64_t now = now_ms();
  int64_t last = last_log_ms_.load();
  if (now - last >= 1000 && last_log_ms_.compare_exchange_strong(last, now)) {
    logger()->warn("{} from {} ({}) refused: {}", wire::name(answer.request().code), from->peer(),
                   wire::name(status), message);
  }
  answer.fail(status, message);
  return false;
}

bool auth_gate::admit(const protocol::connection_ptr& from, protocol::request& req,
                      const protocol::responder& answer) const {
  std::optional<wire::signed_body> signed_part;
  if (req.header.is_signed()) {
    auto split = wire::split_signed(req.body, req.header.code);
    if (!split) return refuse(malformed, split.error().status, split.error().message, from, answer);
    signed_part = split.value();
    req.body = signed_part->rest;
  }
  if (auth_ == nullptr || req.header.code == wire::code::hello) return true;

  // Who: the request's own signature, or the identity its transport authenticated the
  // connection as (conn_authenticate).
  std::optional<identity_hold> own;
  std::shared_ptr<const berth_identity> shared;
  const berth_identity* who = nullptr;
  if (signed_part) {
    who = authenticate_request(from, req, *signed_part, answer, own);
    if (who == nullptr) return false;
  } else {
    shared = from->transport_identity();
    if (!shared) {
      return refuse(unsigned_request, wire::status::unauthenticated,
                    "this broker requires signed requests: give the client an access key and "
                    "secret key (berthctl --access-key and --secret-key)",
                    from, answer);
    }
    who = shared.get();
  }
  return authorize_request(from, req, who, answer);
}

const berth_identity* auth_gate::authenticate_request(const protocol::connection_ptr& from,
                                                      const protocol::request& req,
                                                      const wire::signed_body& signed_part,
                                                      const protocol::responder& answer,
                                                      std::optional<identity_hold>& hold) const {
  // The plugin checks the signature over the prefix and the body, and the clock window.
  const wire::signature_block& block = signed_part.block;
  const wire::signed_prefix prefix(req.header, block.timestamp_ms, from->auth_nonce(),
                                   block.access_key);
  berth_credentials credentials{};
  credentials.struct_size = sizeof credentials;
  credentials.access_key = abi(block.access_key);
  credentials.signature = abi(block.signature);
  credentials.signed_content = abi(prefix.bytes());
  credentials.timestamp_ms = block.timestamp_ms;
  credentials.signed_body = abi(req.body);
  credentials.scheme = BERTH_SCHEME_BERTH;
  std::string reason_text;
  berth_identity* who = nullptr;
  const berth_status status = authenticate(from, credentials, &who, reason_text);
  if (status != BERTH_OK) {
    refuse_authentication(status, reason_text, from, answer);
    return nullptr;
  }
  hold.emplace(ops_, who);
  from->set_principal(hold->name());
  // Not again on this connection: signed ids must grow (elsewhere the nonce differs).
  if (!from->admit_signed_id(req.header.request_id)) {
    refuse(replayed, wire::status::replayed,
           fmt::format("request id {} is not above the last signed one on this "
                       "connection: a replayed request",
                       req.header.request_id),
           from, answer);
    return nullptr;
  }
  return who;
}

berth_status auth_gate::authenticate(const protocol::connection_ptr& from,
                                     berth_credentials credentials, berth_identity** who,
                                     std::string& reason_text) const {
  return authenticate(from->peer(), from->tls_subject(), credentials, who, reason_text);
}

berth_status auth_gate::authenticate(std::string_view peer, std::string_view tls_subject,
                                     berth_credentials credentials, berth_identity** who,
                                     std::string& reason_text) const {
  credentials.struct_size = sizeof credentials;
  credentials.tls_subject = abi(tls_subject);
  credentials.peer_address = abi(peer);
  std::array<char, 512> message{};
  berth_errbuf err{message.data(), message.size()};
  const berth_status status = ops_->authenticate(auth_->handle(), &credentials, who, &err);
  if (status == BERTH_OK && *who == nullptr) {
    reason_text = "authentication made no identity";
    return BERTH_E_DENIED;
  }
  if (status != BERTH_OK) {
    *who = nullptr;
    reason_text = text_of(message, status == BERTH_E_BAD_SIGNATURE ? "the signature does not match"
                              : status == BERTH_E_EXPIRED
                                  ? "signed outside the accepted clock window"
                                  : "authentication failed");
  }
  return status;
}

void auth_gate::refuse_authentication(berth_status status, const std::string& reason_text,
                                      const protocol::connection_ptr& from,
                                      const protocol::responder& answer) const {
  switch (status) {
    case BERTH_E_BAD_SIGNATURE:
      refuse(bad_signature, wire::status::bad_signature, reason_text, from, answer);
      return;
    case BERTH_E_EXPIRED:
      refuse(expired, wire::status::signature_expired, reason_text, from, answer);
      return;
    default: refuse(unknown_key, wire::status::unauthenticated, reason_text, from, answer);
  }
}

berth_status auth_gate::authenticate_connection(const protocol::connection_ptr& conn,
                                                const berth_credentials& credentials,
                                                std::string& reason_text) const {
  if (auth_ == nullptr) return BERTH_OK;
  berth_credentials c{};
  std::memcpy(&c, &credentials,
              std::min<size_t>(sizeof c, credentials.struct_size > 0 ? credentials.struct_size
                                                                     : sizeof c));
  berth_identity* who = nullptr;
  const berth_status status = authenticate(conn, c, &who, reason_text);
  const uint32_t why = status == BERTH_E_BAD_SIGNATURE ? bad_signature
                       : status == BERTH_E_EXPIRED     ? expired
                                                       : unknown_key;
  if (status != BERTH_OK) {
    metrics_.add(refusals_[why], 1);
    return status;
  }
  const berth_auth_ops* ops = ops_;
  std::shared_ptr<const berth_identity> identity(
      who, [ops, keep = auth_](const berth_identity* i) {
        ops->release_identity(const_cast<berth_identity*>(i));
      });
  const berth_str name = ops_->identity_name(who);
  conn->set_principal(name.len == 0 ? std::string_view("?") : std::string_view(name.ptr, name.len));
  conn->set_transport_identity(std::move(identity));
  return BERTH_OK;
}

void auth_gate::count_refusal(reason why) const { metrics_.add(refusals_[why], 1); }

auth_gate::admin_verdict auth_gate::admit_admin(std::string_view peer, std::string_view access_key,
                                                std::string_view secret_key, std::string_view what,
                                                uint32_t action) const {
  using outcome = admin_verdict::outcome;
  if (auth_ == nullptr) return {outcome::allowed, {}, {}};
  if (access_key.empty()) {
    count_refusal(unsigned_request);
    return {outcome::unauthenticated, {},
            "this broker requires an account: HTTP Basic authentication with an access key and "
            "its secret key"};
  }
  // Signed now, for this request only: the content names the admin listener and the time, so
  // the signature is worth nothing elsewhere (and it never leaves the process anyway).
  const int64_t signed_at = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  const std::string content = fmt::format("berth-admin-http\n{}\n{}", what, signed_at);
  const std::span<const uint8_t> content_bytes(reinterpret_cast<const uint8_t*>(content.data()),
                                               content.size());
  const crypto::mac signature = crypto::hmac_sha256(secret_key).sign({content_bytes});
  berth_credentials credentials{};
  credentials.access_key = abi(access_key);
  credentials.signature = abi(std::span<const uint8_t>(signature));
  credentials.signed_content = abi(content_bytes);
  credentials.timestamp_ms = signed_at;
  credentials.scheme = BERTH_SCHEME_BERTH;
  std::string reason_text;
  berth_identity* raw = nullptr;
  const berth_status status = authenticate(peer, {}, credentials, &raw, reason_text);
  if (status != BERTH_OK) {
    count_refusal(status == BERTH_E_BAD_SIGNATURE ? bad_signature : unknown_key);
    // The signature was made here from the given secret: a mismatch means a wrong secret.
    if (status == BERTH_E_BAD_SIGNATURE) {
      reason_text = fmt::format("wrong secret key for access key '{}'", access_key);
    }
    return {outcome::unauthenticated, {}, reason_text};
  }
  const identity_hold who(ops_, raw);
  std::array<char, 512> message{};
  berth_errbuf err{message.data(), message.size()};
  if (ops_->authorize(auth_->handle(), raw, BERTH_RESOURCE_CLUSTER, abi(what), action, &err) !=
      BERTH_OK) {
    count_refusal(forbidden);
    return {outcome::forbidden, who.name(),
            fmt::format("'{}' may not {} cluster '{}': {}", who.name(), action_name(action), what,
                        text_of(message, "denied"))};
  }
  return {outcome::allowed, who.name(), {}};
}

bool auth_gate::authorize_request(const protocol::connection_ptr& from,
                                  const protocol::request& req, const berth_identity* who,
                                  const protocol::responder& answer) const {
  const berth_str n = ops_->identity_name(who);
  const std::string name = n.len == 0 ? std::string("?") : std::string(n.ptr, n.len);
  // What: every resource the request touches, with its action.
  auto checks = checks_of(req.header.code, req.body);
  if (!checks) return refuse(malformed, checks.error().status, checks.error().message, from, answer);
  std::array<char, 512> message{};
  berth_errbuf err{message.data(), message.size()};
  for (const access_check& c : checks.value()) {
    message.fill('\0');
    const berth_status allowed = ops_->authorize(auth_->handle(), who, c.resource_type,
                                                 abi(c.resource), c.action, &err);
    if (allowed != BERTH_OK) {
      return refuse(forbidden, wire::status::forbidden,
                    fmt::format("'{}' may not {} {}{}: {}", name, action_name(c.action),
                                resource_name(c.resource_type),
                                c.resource.empty() ? std::string() : " '" + std::string(c.resource) + "'",
                                text_of(message, "not granted")),
                    from, answer);
    }
  }
  return true;
}

}  // namespace berth::kernel::auth
