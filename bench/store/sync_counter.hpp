// Counts the fdatasync calls of this process, the store plugin's included, split into
// commit-log segments and every other file (consume queues, key index). The store's own
// syncs metric is not usable for this (see docs/benchmarks.md), so the bench defines
// fdatasync itself (sync_counter.cpp) and exports it: the plugin's calls resolve to it first,
// and it forwards to the C library's.
#pragma once

#include <cstdint>

namespace berth::bench {

struct sync_counts {
  uint64_t commit_log = 0;
  uint64_t other = 0;
};

[[nodiscard]] sync_counts fdatasyncs_so_far() noexcept;

}  // namespace berth::bench
