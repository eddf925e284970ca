#include "config/config_tree.hpp"

#include <utility>

namespace berth::kernel::config {

berth_config_value config_node::to_abi() const {
  berth_config_value value{};
  value.type = type;
  value.integer = integer;
  value.number = number;
  // Borrowed: valid as long as this node, which the tree keeps for the instance's lifetime.
  value.string = berth_str{text.data(), text.size()};
  return value;
}

void config_tree::set(std::string path, config_node node) {
  nodes_.insert_or_assign(std::move(path), std::move(node));
}

const config_node* config_tree::find(std::string_view path) const {
  const auto it = nodes_.find(path);
  return it == nodes_.end() ? nullptr : &it->second;
}

}  // namespace berth::kernel::config
