#include "auth/auth_gate.hpp"

#include "auth/access.hpp"
#include "log/logger.hpp"

#include <berth/wire/signing.hpp>

#include <fmt/format.h>

#include <array>
#include <chrono>

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

// The identity an authenticate() made, released whatever happens.
class identity_hold {
 public:
  identity_hold(const berth_auth_ops* ops, berth_identity* who) : ops_(ops), who_(who) {}
  ~identity_hold() {
    if (who_ != nullptr) ops_->release_identity(who_);
  }
  identity_hold(const identity_hold&) = delete;
  identity_hold& operator=(const identity_hold&) = delete;
  [[nodiscard]] const berth_identity* get() const { return who_; }
  [[nodiscard]] std::string name() const {
    const berth_str n = ops_->identity_name(who_);
    return n.len == 0 ? std::string("?") : std::string(n.ptr, n.len);
  }

 private:
  const berth_auth_ops* ops_;
  berth_identity* who_;
};

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
  if (!signed_part) {
    return refuse(unsigned_request, wire::status::unauthenticated,
                  "this broker requires signed requests: give the client an access key and "
                  "secret key (berthctl --access-key and --secret-key)",
                  from, answer);
  }

  // Who: the plugin checks the signature over the prefix and the body, and the clock window.
  const wire::signature_block& block = signed_part->block;
  const wire::signed_prefix prefix(req.header, block.timestamp_ms, from->auth_nonce(),
                                   block.access_key);
  berth_credentials credentials{};
  credentials.struct_size = sizeof credentials;
  credentials.access_key = abi(block.access_key);
  credentials.signature = abi(block.signature);
  credentials.signed_content = abi(prefix.bytes());
  credentials.timestamp_ms = block.timestamp_ms;
  credentials.tls_subject = abi(from->tls_subject());
  credentials.peer_address = abi(from->peer());
  credentials.signed_body = abi(req.body);
  std::array<char, 512> message{};
  berth_errbuf err{message.data(), message.size()};
  berth_identity* who = nullptr;
  const berth_status status = ops_->authenticate(auth_->handle(), &credentials, &who, &err);
  const identity_hold identity(ops_, status == BERTH_OK ? who : nullptr);
  switch (status) {
    case BERTH_OK: break;
    case BERTH_E_BAD_SIGNATURE:
      return refuse(bad_signature, wire::status::bad_signature,
                    text_of(message, "the signature does not match"), from, answer);
    case BERTH_E_EXPIRED:
      return refuse(expired, wire::status::signature_expired,
                    text_of(message, "signed outside the accepted clock window"), from, answer);
    default:
      return refuse(unknown_key, wire::status::unauthenticated,
                    text_of(message, "authentication failed"), from, answer);
  }
  if (identity.get() == nullptr) {
    return refuse(unknown_key, wire::status::unauthenticated, "authentication made no identity",
                  from, answer);
  }
  from->set_principal(identity.name());
  // Not again on this connection: signed ids must grow (elsewhere the nonce differs).
  if (!from->admit_signed_id(req.header.request_id)) {
    return refuse(replayed, wire::status::replayed,
                  fmt::format("request id {} is not above the last signed one on this "
                              "connection: a replayed request",
                              req.header.request_id),
                  from, answer);
  }

  // What: every resource the request touches, with its action.
  auto checks = checks_of(req.header.code, req.body);
  if (!checks) return refuse(malformed, checks.error().status, checks.error().message, from, answer);
  for (const access_check& c : checks.value()) {
    message.fill('\0');
    const berth_status allowed = ops_->authorize(auth_->handle(), identity.get(),
                                                 c.resource_type, abi(c.resource), c.action, &err);
    if (allowed != BERTH_OK) {
      return refuse(forbidden, wire::status::forbidden,
                    fmt::format("'{}' may not {} {}{}: {}", identity.name(), action_name(c.action),
                                resource_name(c.resource_type),
                                c.resource.empty() ? std::string() : " '" + std::string(c.resource) + "'",
                                text_of(message, "not granted")),
                    from, answer);
    }
  }
  return true;
}

}  // namespace berth::kernel::auth
