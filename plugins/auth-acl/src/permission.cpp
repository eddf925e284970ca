#include "permission.hpp"

#include <algorithm>
#include <cctype>

namespace berth::auth_acl {

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

}  // namespace

std::optional<uint8_t> parse_perm(std::string_view text) {
  const std::string t = upper(text);
  if (t == "DENY") return perm_deny;
  if (t == "PUB") return perm_pub;
  if (t == "SUB") return perm_sub;
  if (t == "PUB|SUB" || t == "SUB|PUB") return static_cast<uint8_t>(perm_pub | perm_sub);
  return std::nullopt;
}

std::string perm_text(uint8_t p) {
  if ((p & perm_deny) != 0) return "DENY";
  if (p == (perm_pub | perm_sub)) return "PUB|SUB";
  if (p == perm_pub) return "PUB";
  if (p == perm_sub) return "SUB";
  return "nothing";
}

bool resource_rule::matches(std::string_view name) const {
  if (pattern == "*") return true;
  if (!pattern.empty() && pattern.back() == '*') {
    return name.starts_with(std::string_view(pattern).substr(0, pattern.size() - 1));
  }
  return name == pattern;
}

uint8_t decide(const std::vector<resource_rule>& rules, std::string_view name, bool& matched) {
  uint8_t granted = perm_none;
  matched = false;
  for (const resource_rule& r : rules) {
    if (!r.matches(name)) continue;
    matched = true;
    granted = static_cast<uint8_t>(granted | r.perm);
  }
  return granted;
}

}  // namespace berth::auth_acl
