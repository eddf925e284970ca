// Permissions on topics and groups, as RocketMQ's ACL spells them: DENY, PUB, SUB, PUB|SUB;
// and the patterns that name resources: "orders" (that one), "orders-*" (a prefix), "*"
// (every one).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::auth_acl {

enum perm : uint8_t { perm_none = 0, perm_pub = 1, perm_sub = 2, perm_deny = 4 };

// "PUB", "SUB", "PUB|SUB" (or "SUB|PUB"), "DENY", any case; nullopt for anything else.
[[nodiscard]] std::optional<uint8_t> parse_perm(std::string_view text);
[[nodiscard]] std::string perm_text(uint8_t p);

struct resource_rule {
  std::string pattern;  // "name", "prefix*" or "*"
  uint8_t perm = perm_none;

  [[nodiscard]] bool matches(std::string_view name) const;
};

// How `rules` (an account's own and its roles') decide on `name`: the union of what every
// matching rule grants, DENY included; perm_none when no rule matches.
[[nodiscard]] uint8_t decide(const std::vector<resource_rule>& rules, std::string_view name,
                             bool& matched);

}  // namespace berth::auth_acl
