#include "store/plugin_call.hpp"

#include <fmt/format.h>

#include <cstring>

namespace berth::kernel::store::detail {

berth::error call_error(berth_status status, std::string_view message, std::string_view plugin,
                        std::string_view operation) {
  if (status == BERTH_OK) status = BERTH_E_INTERNAL;  // a failure must not read as success
  if (!message.empty()) return berth::error{status, std::string(message)};
  return berth::error{status, fmt::format("store plugin '{}': {} failed with status {} and no "
                                          "message", plugin, operation, status)};
}

berth::error predates_error(std::string_view plugin, std::string_view abi_version,
                            std::string_view operation) {
  return berth::error{BERTH_E_UNSUPPORTED,
                      fmt::format("store plugin '{}' predates ABI 1.2: no {} (it was built with "
                                  "ABI {}; rebuild it against Berth SDK 1.2 or later)",
                                  plugin, operation, abi_version)};
}

std::vector<berth_append_result> append_slots(size_t count) {
  std::vector<berth_append_result> slots(count);
  for (berth_append_result& slot : slots) slot.struct_size = sizeof(berth_append_result);
  return slots;
}

std::vector<appended> to_appended(std::span<const berth_append_result> slots) {
  std::vector<appended> out;
  out.reserve(slots.size());
  for (const berth_append_result& slot : slots) {
    const size_t id_len = ::strnlen(slot.message_id, sizeof slot.message_id);
    out.push_back(appended{slot.queue_offset, slot.log_offset, slot.store_time_ms,
                           std::string(slot.message_id, id_len)});
  }
  return out;
}

}  // namespace berth::kernel::store::detail
