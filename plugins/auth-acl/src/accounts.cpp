#include "accounts.hpp"

#include <berth/wire/signing.hpp>

#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <sstream>

namespace berth::auth_acl {

namespace {

[[noreturn]] void fail(const std::string& path, const toml::source_region& where,
                       const std::string& key, const std::string& problem) {
  std::string at = path;
  if (where.begin.line != 0) {
    at += ":" + std::to_string(where.begin.line) + ":" + std::to_string(where.begin.column);
  }
  throw accounts_error(at + ": " + key + ": " + problem);
}

void only_keys(const std::string& path, const toml::table& table, const std::string& where,
               std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, node] : table) {
    bool known = false;
    for (std::string_view a : allowed) known = known || key.str() == a;
    if (!known) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      fail(path, node.source(), where + std::string(key.str()),
           "unknown key (expected one of: " + list + ")");
    }
  }
}

uint8_t perm_of(const std::string& path, const toml::node& node, const std::string& key) {
  const auto* text = node.as_string();
  if (text == nullptr) fail(path, node.source(), key, "expected a string such as \"PUB|SUB\"");
  const auto p = parse_perm(text->get());
  if (!p) {
    fail(path, node.source(), key,
         "'" + text->get() + "' is not a permission (DENY, PUB, SUB or PUB|SUB)");
  }
  return *p;
}

std::vector<resource_rule> rules_of(const std::string& path, const toml::node* node,
                                    const std::string& key) {
  std::vector<resource_rule> rules;
  if (node == nullptr) return rules;
  const auto* table = node->as_table();
  if (table == nullptr) {
    fail(path, node->source(), key, "expected a table of name = permission");
  }
  for (const auto& [name, perm_node] : *table) {
    const std::string pattern(name.str());
    const std::string where = key + ".\"" + pattern + "\"";
    const auto star = pattern.find('*');
    if (pattern.empty() || (star != std::string::npos && star + 1 != pattern.size())) {
      fail(path, perm_node.source(), where,
           "a resource is a name, a prefix ending in * or * alone");
    }
    rules.push_back({pattern, perm_of(path, perm_node, where)});
  }
  return rules;
}

std::string string_of(const std::string& path, const toml::node* node, const std::string& key,
                      const toml::source_region& owner) {
  if (node == nullptr) fail(path, owner, key, "missing");
  const auto* s = node->as_string();
  if (s == nullptr) fail(path, node->source(), key, "expected a string");
  return s->get();
}

bool valid_access_key(std::string_view key) {
  if (key.size() < 3 || key.size() > wire::max_access_key_bytes) return false;
  for (const char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == '@';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::shared_ptr<const accounts> accounts::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw accounts_error(path + ": cannot read the accounts file");
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

std::shared_ptr<const accounts> accounts::parse(std::string_view text, const std::string& path) {
  toml::table doc;
  try {
    doc = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    fail(path, e.source(), "(file)", std::string(e.description()));
  }
  only_keys(path, doc, "", {"default_topic_perm", "default_group_perm", "roles", "accounts"});
  uint8_t default_topic = perm_deny;
  uint8_t default_group = perm_deny;
  if (const auto* n = doc.get("default_topic_perm")) {
    default_topic = perm_of(path, *n, "default_topic_perm");
  }
  if (const auto* n = doc.get("default_group_perm")) {
    default_group = perm_of(path, *n, "default_group_perm");
  }

  struct role {
    std::vector<resource_rule> topics, groups;
  };
  std::map<std::string, role, std::less<>> roles;
  if (const auto* n = doc.get("roles")) {
    const auto* table = n->as_table();
    if (table == nullptr) fail(path, n->source(), "roles", "expected tables [roles.<name>]");
    for (const auto& [name, node] : *table) {
      const std::string where = "roles." + std::string(name.str());
      const auto* r = node.as_table();
      if (r == nullptr) fail(path, node.source(), where, "expected a table");
      only_keys(path, *r, where + ".", {"topics", "groups"});
      roles[std::string(name.str())] = {rules_of(path, r->get("topics"), where + ".topics"),
                                        rules_of(path, r->get("groups"), where + ".groups")};
    }
  }

  auto made = std::make_shared<accounts>();
  const auto* list_node = doc.get("accounts");
  if (list_node == nullptr) return made;  // nobody may connect: valid, if odd
  const auto* list = list_node->as_array();
  if (list == nullptr) fail(path, list_node->source(), "accounts", "expected [[accounts]] tables");
  for (size_t i = 0; i < list->size(); ++i) {
    const toml::node& node = *list->get(i);
    const std::string where = "accounts[" + std::to_string(i) + "]";
    const auto* t = node.as_table();
    if (t == nullptr) fail(path, node.source(), where, "expected a table");
    only_keys(path, *t, where + ".",
              {"access_key", "secret_key", "admin", "roles", "allow_from", "topics", "groups",
               "default_topic_perm", "default_group_perm"});
    account a;
    a.access_key = string_of(path, t->get("access_key"), where + ".access_key", node.source());
    if (!valid_access_key(a.access_key)) {
      fail(path, t->get("access_key")->source(), where + ".access_key",
           "'" + a.access_key + "' is not 3 to 128 letters, digits or - _ . @");
    }
    if (made->by_key_.count(a.access_key) != 0) {
      fail(path, t->get("access_key")->source(), where + ".access_key",
           "'" + a.access_key + "' is given to two accounts");
    }
    const std::string secret =
        string_of(path, t->get("secret_key"), where + ".secret_key", node.source());
    if (secret.size() < min_secret_bytes) {
      fail(path, t->get("secret_key")->source(), where + ".secret_key",
           "shorter than " + std::to_string(min_secret_bytes) + " characters");
    }
    a.secret = std::make_shared<const crypto::hmac_sha256>(secret);
    a.secret_rocketmq = std::make_shared<const crypto::hmac_sha1>(secret);
    if (const auto* admin = t->get("admin")) {
      if (!admin->is_boolean()) fail(path, admin->source(), where + ".admin", "expected true or false");
      a.admin = admin->as_boolean()->get();
    }
    a.topics = rules_of(path, t->get("topics"), where + ".topics");
    a.groups = rules_of(path, t->get("groups"), where + ".groups");
    if (const auto* r = t->get("roles")) {
      const auto* names = r->as_array();
      if (names == nullptr) fail(path, r->source(), where + ".roles", "expected [\"role\", ...]");
      for (const toml::node& role_name : *names) {
        const auto* s = role_name.as_string();
        const auto found = s != nullptr ? roles.find(s->get()) : roles.end();
        if (found == roles.end()) {
          fail(path, role_name.source(), where + ".roles",
               s == nullptr ? std::string("expected role names") : "no role '" + s->get() + "'");
        }
        a.topics.insert(a.topics.end(), found->second.topics.begin(), found->second.topics.end());
        a.groups.insert(a.groups.end(), found->second.groups.begin(), found->second.groups.end());
      }
    }
    if (const auto* from = t->get("allow_from")) {
      const auto* entries = from->as_array();
      if (entries == nullptr) {
        fail(path, from->source(), where + ".allow_from", "expected [\"10.0.0.0/8\", ...]");
      }
      for (const toml::node& e : *entries) {
        const auto* s = e.as_string();
        if (s == nullptr || !a.allow_from.add(s->get())) {
          fail(path, e.source(), where + ".allow_from",
               (s == nullptr ? std::string("an entry") : "'" + s->get() + "'") +
                   " is not an address or CIDR block");
        }
      }
    }
    a.default_topic = default_topic;
    a.default_group = default_group;
    if (const auto* n = t->get("default_topic_perm")) {
      a.default_topic = perm_of(path, *n, where + ".default_topic_perm");
    }
    if (const auto* n = t->get("default_group_perm")) {
      a.default_group = perm_of(path, *n, where + ".default_group_perm");
    }
    std::string key = a.access_key;
    made->by_key_.emplace(std::move(key), std::move(a));
  }
  return made;
}

const account* accounts::find(std::string_view access_key) const {
  const auto it = by_key_.find(access_key);
  return it == by_key_.end() ? nullptr : &it->second;
}

}  // namespace berth::auth_acl
