// A tag subscription, "TagA || TagB || TagC": the tags (for the exact check) and their hashes
// (for the consume-queue fast path). "*" alone is handled by the broker without a plugin;
// here it is accepted too and takes every message.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace berth::plugins::filter_tag {

class tag_list {
 public:
  // The list, or nullopt with `error` saying where it is wrong ("col 8: an empty tag ...").
  static std::optional<tag_list> parse(std::string_view expression, std::string& error);

  [[nodiscard]] bool takes_all() const { return tags_.empty(); }
  // 0: no tag of the list has this hash; -1: one may (a hash collision is possible, so the
  // tag itself decides); 1: every message (takes_all).
  [[nodiscard]] int hash_verdict(uint64_t tag_hash) const;
  [[nodiscard]] bool matches(std::string_view tag) const;

 private:
  std::set<std::string, std::less<>> tags_;  // empty: every message
  std::set<uint64_t> hashes_;
};

}  // namespace berth::plugins::filter_tag
