// The library's one exported symbol.
#include "mmap_store.hpp"

BERTH_DEFINE_STORE_PLUGIN(berth::store_mmap::mmap_store, "mmap", "1.0.0",
                          "Commit log, consume queues and key index in memory-mapped files",
                          berth::store_mmap::store_schema)
