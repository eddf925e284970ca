// A validated config table, flattened by dotted path, with defaults filled in. This is what a
// plugin reads through the host's config_get; its strings live as long as the tree.
#pragma once

#include <berth/abi/berth_host.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace berth::kernel::config {

struct config_node {
  std::uint32_t type = BERTH_CONFIG_NONE;  // BERTH_CONFIG_*
  std::int64_t integer = 0;  // bool 0/1, int, bytes, nanoseconds, or child count
  double number = 0;
  std::string text;

  [[nodiscard]] berth_config_value to_abi() const;
};

class config_tree {
 public:
  // Paths: "segment_size", "tls.certificate", "search_path.0".
  void set(std::string path, config_node node);
  [[nodiscard]] const config_node* find(std::string_view path) const;
  [[nodiscard]] const std::map<std::string, config_node, std::less<>>& nodes() const {
    return nodes_;
  }

 private:
  std::map<std::string, config_node, std::less<>> nodes_;
};

}  // namespace berth::kernel::config
