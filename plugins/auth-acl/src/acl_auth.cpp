#include "acl_auth.hpp"

#include <berth/abi/berth_auth.h>

#include <chrono>
#include <cstddef>
#include <ctime>

namespace berth::auth_acl {

namespace {

// The principal: the account as it was when the request was authenticated (a reload does not
// change a request in flight).
class acl_identity final : public sdk::identity {
 public:
  acl_identity(std::shared_ptr<const accounts> snapshot, const account& a)
      : snapshot_(std::move(snapshot)), account_(a) {}
  [[nodiscard]] std::string_view name() const noexcept override { return account_.access_key; }
  [[nodiscard]] const account& who() const noexcept { return account_; }

 private:
  std::shared_ptr<const accounts> snapshot_;  // keeps account_ alive
  const account& account_;
};

std::span<const uint8_t> span_of(berth_bytes b) { return {b.ptr, b.len}; }

std::string utc_text(int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm when{};
  gmtime_r(&seconds, &when);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &when);
  return text;
}

[[noreturn]] void deny(berth_status status, const std::string& why) {
  throw sdk::plugin_error(status, why);
}

}  // namespace

acl_auth::acl_auth(sdk::host& host)
    : host_(host),
      config_(read_acl_config(host)),
      reloads_failed_(host.counter("acl_reloads_failed_total",
                                   "accounts files refused on reload (the previous ones stay)")) {
  try {
    install(accounts::load(config_.accounts), "loaded");
  } catch (const accounts_error& e) {
    throw sdk::plugin_error(BERTH_E_INVALID, e.what());
  }
  std::error_code ec;
  const auto perms = std::filesystem::status(config_.accounts, ec).permissions();
  using std::filesystem::perms;
  if (!ec && (perms & (perms::group_read | perms::others_read)) != perms::none) {
    host_.warn("the accounts file ", config_.accounts,
               " holds secret keys and others may read it: chmod 600 it");
  }
  schedule_check();
}

acl_auth::~acl_auth() {
  stopping_ = true;
  std::lock_guard lock(mutex_);
  if (check_task_ != 0) (void)host_.cancel(check_task_);
}

std::shared_ptr<const accounts> acl_auth::current() const { return accounts_.load(); }

void acl_auth::install(std::shared_ptr<const accounts> next, const char* how) {
  const size_t count = next->size();
  const file_stamp now = stamp();
  accounts_.store(std::move(next));
  {
    std::lock_guard lock(mutex_);
    loaded_stamp_ = now;
  }
  host_.info("accounts ", how, " from ", config_.accounts, ": ", count, " account(s)");
}

acl_auth::file_stamp acl_auth::stamp() const {
  std::error_code ec;
  file_stamp s;
  s.modified = std::filesystem::last_write_time(config_.accounts, ec);
  s.size = std::filesystem::file_size(config_.accounts, ec);
  return s;
}

void acl_auth::reload() {
  try {
    install(accounts::load(config_.accounts), "reloaded");
  } catch (const accounts_error& e) {
    reloads_failed_.add();
    {
      std::lock_guard lock(mutex_);
      loaded_stamp_ = stamp();  // do not try this version again until it changes
    }
    throw sdk::plugin_error(BERTH_E_INVALID, e.what());
  }
}

void acl_auth::schedule_check() {
  if (config_.check_interval.count() == 0 || stopping_) return;
  std::lock_guard lock(mutex_);
  check_task_ = host_.post(config_.check_interval, [this] { check_file(); });
}

void acl_auth::check_file() {
  if (stopping_) return;
  file_stamp loaded;
  {
    std::lock_guard lock(mutex_);
    loaded = loaded_stamp_;
  }
  if (stamp() != loaded) {
    try {
      reload();
    } catch (const sdk::plugin_error& e) {
      host_.error("accounts file changed but is refused, the previous accounts stay: ", e.what());
    }
  }
  schedule_check();
}

std::unique_ptr<sdk::identity> acl_auth::authenticate(const berth_credentials& c) {
  const std::string_view key(c.access_key.ptr, c.access_key.len);
  if (key.empty()) deny(BERTH_E_DENIED, "no access key");
  std::shared_ptr<const accounts> snapshot = current();
  const account* a = snapshot->find(key);
  if (a == nullptr) deny(BERTH_E_DENIED, "unknown access key '" + std::string(key) + "'");
  const std::string_view peer(c.peer_address.ptr, c.peer_address.len);
  if (!a->allow_from.allows(peer)) {
    const auto address = address_list::address_of(peer);
    deny(BERTH_E_DENIED, "account '" + std::string(key) + "' may not connect from " +
                             (address ? address->to_string() : std::string(peer)));
  }
  // Spelled out: BERTH_HAS_FIELD's null check on a reference trips -Wnonnull-compare.
  const bool has_body =
      c.struct_size >= offsetof(berth_credentials, signed_body) + sizeof c.signed_body;
  const uint32_t scheme =
      c.struct_size >= offsetof(berth_credentials, scheme) + sizeof c.scheme ? c.scheme
                                                                             : BERTH_SCHEME_BERTH;
  bool genuine = false;
  if (scheme == BERTH_SCHEME_BERTH) {
    genuine = a->secret->verify(span_of(c.signature),
                                {span_of(c.signed_content),
                                 has_body ? span_of(c.signed_body) : std::span<const uint8_t>()});
  } else if (scheme == BERTH_SCHEME_ROCKETMQ_V2) {
    genuine = a->secret_rocketmq->verify(span_of(c.signature), {span_of(c.signed_content)});
  } else {
    deny(BERTH_E_BAD_SIGNATURE, "signature scheme " + std::to_string(scheme) + " is unknown");
  }
  if (!genuine) {
    deny(BERTH_E_BAD_SIGNATURE, "the signature does not match the request (is the secret key of '" +
                                    std::string(key) + "' the right one?)");
  }
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             host_.now_realtime())
                             .count();
  const int64_t window_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(config_.clock_window).count();
  if (c.timestamp_ms < now_ms - window_ms || c.timestamp_ms > now_ms + window_ms) {
    deny(BERTH_E_EXPIRED, "signed at " + utc_text(c.timestamp_ms) + " but the broker's clock says " +
                              utc_text(now_ms) + ": further apart than the clock window of " +
                              std::to_string(window_ms / 1000) + " s (check the client's clock)");
  }
  return std::make_unique<acl_identity>(std::move(snapshot), *a);
}

void acl_auth::authorize(const sdk::identity& who, uint32_t resource_type,
                         std::string_view resource, uint32_t action) {
  const account& a = static_cast<const acl_identity&>(who).who();
  if (resource_type == BERTH_RESOURCE_CLUSTER) {
    if (action == BERTH_ACTION_LIST || a.admin) return;
    deny(BERTH_E_DENIED, "an admin account is needed (admin = true in the accounts file)");
  }
  const bool topic = resource_type == BERTH_RESOURCE_TOPIC;
  bool matched = false;
  uint8_t granted = decide(topic ? a.topics : a.groups, resource, matched);
  if (!matched) granted = topic ? a.default_topic : a.default_group;
  if ((granted & perm_deny) != 0) deny(BERTH_E_DENIED, matched ? "denied by a rule" : "denied by default");
  uint8_t needed = perm_pub | perm_sub;  // GET: either will do
  if (action == BERTH_ACTION_PUB) needed = perm_pub;
  if (action == BERTH_ACTION_SUB) needed = perm_sub;
  if ((granted & needed) == 0) {
    deny(BERTH_E_DENIED, matched ? "the rules grant " + perm_text(granted)
                                 : "no rule names it and the default grants " + perm_text(granted));
  }
}

}  // namespace berth::auth_acl
