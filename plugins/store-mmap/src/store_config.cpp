#include "store_config.hpp"

namespace berth::store_mmap {

const char* const store_schema = R"json({
  "keys": {
    "path": {"type": "string", "default": "",
             "help": "directory of the store's files; empty means <broker data_dir>/store"},
    "segment_size": {"type": "size", "default": "1GiB", "min": "1MiB", "max": "4GiB",
                     "help": "size of each commit-log segment file, preallocated"},
    "flush": {"type": "enum", "values": ["sync", "async"], "default": "async",
              "help": "sync: acknowledge an append once fdatasync'ed (group commit); async: once written to the page cache, syncing every flush_interval"},
    "flush_interval": {"type": "duration", "default": "500ms", "min": "1ms", "max": "60s",
                       "help": "async flush: how often written data is synced"},
    "max_unflushed": {"type": "size", "default": "64MiB", "min": "64KiB",
                      "help": "async flush: appends wait while more than this is written but not synced"},
    "max_message_size": {"type": "size", "default": "4MiB", "min": "1KiB", "max": "256MiB",
                         "help": "largest body accepted; a bigger one fails its batch"},
    "queue_file_entries": {"type": "int", "default": 300000, "min": 64, "max": 100000000,
                           "help": "entries per consume-queue file (32 bytes each)"},
    "index_slots": {"type": "int", "default": 1000000, "min": 16, "max": 100000000,
                    "help": "hash slots per key-index file"},
    "index_entries": {"type": "int", "default": 4000000, "min": 16, "max": 100000000,
                      "help": "keys per key-index file"},
    "retention": {"type": "duration", "default": "72h", "min": "1s",
                  "help": "commit-log segments last written longer ago than this are deleted"},
    "housekeeping_interval": {"type": "duration", "default": "1s", "min": "10ms", "max": "60s",
                              "help": "how often checkpoints, retention and disk use are checked"},
    "disk_high_water": {"type": "float", "default": 0.85, "min": 0.0, "max": 1.0,
                        "help": "above this share of the disk used, the oldest segments are deleted even if not expired"},
    "disk_full": {"type": "float", "default": 0.95, "min": 0.0, "max": 1.0,
                  "help": "above this share of the disk used, appends fail with 'disk full' (reads go on)"}
  }
})json";

store_config read_store_config(const sdk::host& host) {
  store_config c;
  const std::string path = host.config_string("path");
  c.dir = path.empty() ? std::filesystem::path(host.data_dir()) / "store"
                       : std::filesystem::path(path);
  c.segment_size = host.config_size("segment_size");
  c.flush = host.config_string("flush") == "sync" ? flush_mode::sync : flush_mode::async;
  c.flush_interval = host.config_duration("flush_interval");
  c.max_unflushed = host.config_size("max_unflushed");
  c.max_message_size = host.config_size("max_message_size");
  c.queue_file_entries = static_cast<uint64_t>(host.config_int("queue_file_entries"));
  c.index_slots = static_cast<uint32_t>(host.config_int("index_slots"));
  c.index_entries = static_cast<uint32_t>(host.config_int("index_entries"));
  c.retention = host.config_duration("retention");
  c.housekeeping_interval = host.config_duration("housekeeping_interval");
  c.disk_high_water = host.config_float("disk_high_water");
  c.disk_full = host.config_float("disk_full");
  return c;
}

}  // namespace berth::store_mmap
