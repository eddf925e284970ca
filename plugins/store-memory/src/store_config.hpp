// store-memory's config keys: the schema the kernel validates the [store] table against, and
// the values read back from the host once validated.
#pragma once

#include <berth/plugin/host.hpp>

#include <chrono>
#include <cstdint>

namespace berth::plugins::store_memory {

// The schema JSON published in the plugin descriptor (keys, defaults, bounds, help).
extern const char* const config_schema;

struct store_config {
  uint64_t max_bytes = 0;         // bound on the accounted bytes of held messages
  uint64_t max_message_size = 0;  // bound on one message's body
  std::chrono::milliseconds retention{0};               // messages older than this are dropped
  std::chrono::nanoseconds retention_check_interval{0};  // how often retention runs by itself
};

// Read the validated keys (the kernel applied defaults and bounds before create()).
[[nodiscard]] store_config read_config(const sdk::host& host);

}  // namespace berth::plugins::store_memory
