// Which queues of a topic a clustering consumer owns: RocketMQ's "average" allocation. The
// group's client ids are sorted, so every consumer computes the same split from the same list;
// each client gets a contiguous run of queues, the first (queues % clients) one more.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace berth::kernel::group {

// The queues of 0..queue_count-1 that `client` owns among `sorted_clients` (empty when it is
// not among them). With more clients than queues, the last clients get none.
std::vector<uint32_t> allocate_average(std::span<const std::string> sorted_clients,
                                       uint32_t queue_count, std::string_view client);

}  // namespace berth::kernel::group
