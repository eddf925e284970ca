// A configuration mistake, located in its file: what every config error must name.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace berth::kernel::config {

struct config_error {
  std::string file;      // the path as given by the user
  std::uint32_t line = 0;    // 1-based; 0 when unknown
  std::uint32_t column = 0;  // 1-based; 0 when unknown
  std::string key;       // dotted path, e.g. "store.segment_size" or "transport[1].listen"
  std::string message;   // what is wrong, e.g. "unknown key"
  std::string hint;      // optional fix, e.g. "did you mean 'segment_size'?"

  // "<file>:<line>:<column>: <key>: <message> (<hint>)"; parts that are empty or 0 are left out.
  [[nodiscard]] std::string to_string() const;
};

using config_errors = std::vector<config_error>;

}  // namespace berth::kernel::config
