// Calls into a filter plugin that depend on the ABI minor it was built with.
#pragma once

#include <berth/abi/berth_filter.h>

#include <cstdint>
#include <optional>

namespace berth::kernel::plugin_host {

// The plugin's tag-hash verdict (1 match, 0 no match, -1 undecided), or nullopt when the
// plugin predates ABI 1.1 or does not offer the fast path.
inline std::optional<int32_t> tag_hash_verdict(const berth_filter_ops* ops,
                                               const berth_filter_expr* expr, uint64_t tag_hash) {
  if (!BERTH_HAS_FIELD(ops, berth_filter_ops, match_tag_hash) || ops->match_tag_hash == nullptr) {
    return std::nullopt;
  }
  return ops->match_tag_hash(expr, tag_hash);
}

}  // namespace berth::kernel::plugin_host
