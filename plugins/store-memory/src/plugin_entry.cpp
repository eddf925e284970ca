// The library's one exported symbol: the descriptor of the "memory" store.
#include "memory_store.hpp"
#include "store_config.hpp"

BERTH_DEFINE_STORE_PLUGIN(berth::plugins::store_memory::memory_store, "memory", "0.2.0",
                          "Messages in memory, bounded; for tests and ephemeral brokers",
                          berth::plugins::store_memory::config_schema)
