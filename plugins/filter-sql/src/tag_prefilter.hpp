// The tag-hash fast path for the two shapes that depend on the tag alone: the whole expression
// is `TAGS = 'x'` (either way round) or `TAGS IN ('x', ...)`. Such an expression cannot match a
// message whose tag hash is 0 (no tag: TAGS is NULL) or not among the hashes of its strings.
// A hash that is among them stays undecided: hashes collide.
#pragma once

#include "program.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace berth::plugins::filter_sql {

class tag_prefilter {
 public:
  // Nothing when the expression has another shape.
  [[nodiscard]] static std::optional<tag_prefilter> of(const program& compiled);

  // 0 (cannot match) or -1 (undecided), as berth_filter_ops::match_tag_hash answers.
  [[nodiscard]] int verdict(uint64_t tag_hash) const noexcept;

 private:
  explicit tag_prefilter(std::vector<uint64_t> hashes);
  std::vector<uint64_t> hashes_;  // sorted
};

}  // namespace berth::plugins::filter_sql
