#include "program.hpp"

#include <algorithm>

namespace berth::plugins::filter_sql {

uint32_t program::add(const node& n) {
  nodes_.push_back(n);
  return static_cast<uint32_t>(nodes_.size() - 1);
}

text_slice program::intern(std::string_view s) {
  const text_slice slice{static_cast<uint32_t>(pool_.size()), static_cast<uint32_t>(s.size())};
  pool_.append(s);
  return slice;
}

uint32_t program::add_children(std::span<const uint32_t> children) {
  const auto first = static_cast<uint32_t>(children_.size());
  children_.insert(children_.end(), children.begin(), children.end());
  return first;
}

std::pair<uint32_t, uint32_t> program::add_sorted_list(std::span<const std::string> strings) {
  std::vector<std::string_view> sorted(strings.begin(), strings.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  const auto first = static_cast<uint32_t>(list_.size());
  for (const std::string_view s : sorted) list_.push_back(intern(s));
  return {first, static_cast<uint32_t>(sorted.size())};
}

}  // namespace berth::plugins::filter_sql
