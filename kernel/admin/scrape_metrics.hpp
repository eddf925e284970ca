// The metrics worked out when /metrics is scraped rather than counted as they happen: how far
// each group is behind, what each topic keeps, the store's disk, readiness. Families made
// afresh at each scrape, so a group or topic that is gone is gone from the output too.
//
//   berth_group_lag{group,topic}          messages the group has yet to consume
//   berth_topic_messages{topic}           messages kept
//   berth_store_bytes_used / _bytes_free  the store's disk (or memory) use, and what is left
//   berth_store_disk_full / _fenced       1 while appends are refused for lack of space / for good
//   berth_ready                           1 while /readyz says ready
//   berth_build_info{version,abi}         1
//   berth_start_time_seconds              when the broker started (Unix time)
#pragma once

#include "admin/admin_views.hpp"

#include <string>

namespace berth::kernel::admin {

// Prometheus text of the families above; `parts` null before the broker serves (then only
// berth_ready and berth_build_info).
[[nodiscard]] std::string scrape_metrics_text(const broker_parts* parts, bool ready);

}  // namespace berth::kernel::admin
