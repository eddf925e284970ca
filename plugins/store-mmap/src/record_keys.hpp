// The keys a record is found by in the key index: each of its space-separated keys, and its
// UNIQ_KEY property (the producer's message id).
#pragma once

#include "record.hpp"

#include <string_view>
#include <vector>

namespace berth::store_mmap {

inline constexpr std::string_view unique_key_property = "UNIQ_KEY";

// The UNIQ_KEY property of a record, or empty. `scratch` holds the parsed properties.
inline std::string_view unique_key_of(const decoded_record& record,
                                      std::vector<berth_property>& scratch) {
  scratch.clear();
  parse_properties(record, scratch);
  for (const berth_property& p : scratch) {
    if (std::string_view(p.name.ptr, p.name.len) == unique_key_property) {
      return {p.value.ptr, p.value.len};
    }
  }
  return {};
}

template <class Visit>
void for_each_key(std::string_view keys, std::string_view unique_key, Visit&& visit) {
  while (!keys.empty()) {
    const size_t space = keys.find(' ');
    const std::string_view key = keys.substr(0, space);
    if (!key.empty()) visit(key);
    if (space == std::string_view::npos) break;
    keys.remove_prefix(space + 1);
  }
  if (!unique_key.empty()) visit(unique_key);
}

}  // namespace berth::store_mmap
