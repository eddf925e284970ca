#include "config/config_diff.hpp"

#include <algorithm>
#include <set>
#include <sstream>

namespace berth::kernel::config {
namespace {

// JSON of a node: one text per value, whatever its TOML spelling (inline table or not, key
// order, comments, quotes).
std::string normalized(const toml::node* node) {
  if (node == nullptr) return {};
  std::ostringstream out;
  out << toml::json_formatter(*node);
  return out.str();
}

bool same(const toml::node* a, const toml::node* b) {
  if ((a == nullptr) != (b == nullptr)) return false;
  return a == nullptr || normalized(a) == normalized(b);
}

// The keys of both tables, each once, sorted.
std::set<std::string> keys_of(const toml::table& first, const toml::table& second) {
  std::set<std::string> keys;
  for (const toml::table* t : {&first, &second}) {
    for (const auto& [key, node] : *t) keys.emplace(key.str());
  }
  return keys;
}

// A single table: the keys that differ ("broker.data_dir").
void diff_table(const std::string& name, const toml::table& a, const toml::table& b,
                std::vector<std::string>& out) {
  for (const std::string& key : keys_of(a, b)) {
    if (!same(a.get(key), b.get(key))) out.push_back(name + "." + key);
  }
}

// An array of tables: the elements that differ ("transport[1]"), counting from 0 as the
// config errors do.
void diff_array(const std::string& name, const toml::array& a, const toml::array& b,
                std::vector<std::string>& out) {
  for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    if (!same(a.get(i), b.get(i))) out.push_back(name + "[" + std::to_string(i) + "]");
  }
}

}  // namespace

std::vector<std::string> changed_settings(const broker_config& before, const broker_config& after) {
  static const toml::table empty;
  const toml::table& a = before.document ? *before.document : empty;
  const toml::table& b = after.document ? *after.document : empty;
  std::vector<std::string> out;
  for (const std::string& name : keys_of(a, b)) {
    const toml::node* old_node = a.get(name);
    const toml::node* new_node = b.get(name);
    if (same(old_node, new_node)) continue;
    if (old_node != nullptr && new_node != nullptr && old_node->is_table() &&
        new_node->is_table()) {
      diff_table(name, *old_node->as_table(), *new_node->as_table(), out);
    } else if (old_node != nullptr && new_node != nullptr && old_node->is_array() &&
               new_node->is_array()) {
      diff_array(name, *old_node->as_array(), *new_node->as_array(), out);
    } else {
      out.push_back(name);
    }
  }
  return out;
}

}  // namespace berth::kernel::config
