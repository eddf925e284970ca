#include "store_config.hpp"

namespace berth::plugins::store_memory {

const char* const config_schema = R"({
  "keys": {
    "max_bytes": {"type": "size", "default": "256MiB", "min": "1MiB",
                  "help": "what held messages may count (see README); appends beyond it fail"},
    "max_message_size": {"type": "size", "default": "4MiB", "min": "1KiB",
                         "help": "largest body accepted; a batch with a larger one fails whole"},
    "retention": {"type": "duration", "default": "72h", "min": "1s",
                  "help": "messages older than this (by store time) are dropped"},
    "retention_check_interval": {"type": "duration", "default": "10s", "min": "100ms",
                                 "help": "how often the store applies retention by itself"}
  }
})";

store_config read_config(const sdk::host& host) {
  store_config config;
  config.max_bytes = host.config_size("max_bytes");
  config.max_message_size = host.config_size("max_message_size");
  config.retention =
      std::chrono::duration_cast<std::chrono::milliseconds>(host.config_duration("retention"));
  config.retention_check_interval = host.config_duration("retention_check_interval");
  return config;
}

}  // namespace berth::plugins::store_memory
