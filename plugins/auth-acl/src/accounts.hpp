// The accounts file (TOML; docs/security.md): who may connect, with which secret, from where,
// and what each may do. Read whole into an immutable snapshot; a reload makes a new one. The
// secret keys are kept only as keyed HMAC state, never as text.
//
//   default_topic_perm = "DENY"          # for topics no rule names (the default)
//   default_group_perm = "DENY"
//   [roles.producer]
//   topics = { "orders-*" = "PUB" }
//   [[accounts]]
//   access_key = "orders-app"
//   secret_key = "at least 16 characters"
//   admin = false                        # topic create/delete, offset reset, lookups by id
//   roles = ["producer"]
//   allow_from = ["10.0.0.0/8"]          # optional: addresses and CIDR blocks
//   topics = { "orders" = "PUB|SUB", "orders-internal" = "DENY" }
//   groups = { "billing" = "SUB" }
#pragma once

#include "address_list.hpp"
#include "permission.hpp"

#include <berth/crypto/hmac_sha1.hpp>
#include <berth/crypto/hmac_sha256.hpp>

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace berth::auth_acl {

inline constexpr size_t min_secret_bytes = 16;

struct account {
  std::string access_key;
  std::shared_ptr<const crypto::hmac_sha256> secret;
  // The same secret for RocketMQ 5 clients (transport-grpc), which sign with HMAC-SHA1.
  std::shared_ptr<const crypto::hmac_sha1> secret_rocketmq;
  bool admin = false;
  address_list allow_from;
  std::vector<resource_rule> topics;  // its own rules and its roles'
  std::vector<resource_rule> groups;
  uint8_t default_topic = perm_deny;  // for names no rule matches
  uint8_t default_group = perm_deny;
};

// A mistake in the file: "acl.toml:12:3: accounts[1].secret_key: shorter than 16 characters".
class accounts_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class accounts {
 public:
  // Throws accounts_error (never quoting a secret).
  static std::shared_ptr<const accounts> load(const std::string& path);
  static std::shared_ptr<const accounts> parse(std::string_view text, const std::string& path);

  [[nodiscard]] const account* find(std::string_view access_key) const;
  [[nodiscard]] size_t size() const { return by_key_.size(); }

 private:
  std::map<std::string, account, std::less<>> by_key_;
};

}  // namespace berth::auth_acl
