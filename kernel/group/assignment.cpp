#include "group/assignment.hpp"

#include <algorithm>

namespace berth::kernel::group {

std::vector<uint32_t> allocate_average(std::span<const std::string> sorted_clients,
                                       uint32_t queue_count, std::string_view client) {
  const auto it = std::find(sorted_clients.begin(), sorted_clients.end(), client);
  if (it == sorted_clients.end() || queue_count == 0) return {};
  const auto clients = static_cast<uint32_t>(sorted_clients.size());
  const auto index = static_cast<uint32_t>(it - sorted_clients.begin());
  if (index >= queue_count) return {};
  const uint32_t base = queue_count / clients;
  const uint32_t extra = queue_count % clients;  // the first `extra` clients take one more
  const uint32_t count = base + (index < extra ? 1 : 0);
  const uint32_t first = index * base + std::min(index, extra);
  std::vector<uint32_t> out(count);
  for (uint32_t i = 0; i < count; ++i) out[i] = first + i;
  return out;
}

}  // namespace berth::kernel::group
