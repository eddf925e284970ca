// A tag subscription: "*" (or empty) takes every message, "A || B || C" the messages tagged A,
// B or C. The store skips other queue entries by tag hash without reading them; matches() then
// compares the tag itself, so that a hash collision never delivers a foreign tag.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace berth::kernel::delivery {

class tag_filter {
 public:
  // The filter, or nullopt with `error` saying what is wrong ("A || || B": an empty tag).
  static std::optional<tag_filter> parse(std::string_view expression, std::string& error);

  [[nodiscard]] bool takes_all() const { return tags_.empty(); }
  // The store's fast path: may the entry with this tag hash match?
  [[nodiscard]] bool may_match(uint64_t tag_hash) const;
  [[nodiscard]] bool matches(std::string_view tag) const;

 private:
  std::set<std::string, std::less<>> tags_;  // empty: every message
  std::set<uint64_t> hashes_;
};

}  // namespace berth::kernel::delivery
