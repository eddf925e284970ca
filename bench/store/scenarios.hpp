// The measurements: one function per scenario, each opening its own store in a fresh data dir
// and returning one report. What each one does and how to read it: docs/benchmarks.md.
#pragma once

#include "measure.hpp"

#include <cstdint>
#include <filesystem>
#include <string>

namespace berth::bench {

struct bench_options {
  std::filesystem::path plugin{};    // libberth-store-mmap.so
  std::filesystem::path data_dir{};  // the broker data dir; the store makes store/ inside
  std::string segment_size = "1GiB";
  std::string bytes = "2GiB";      // how much log to write (append-async, recovery)
  double seconds = 0;              // append-async: 0 = until `bytes`; others: how long
  unsigned threads = 1;
  uint32_t batch = 32;             // messages per append
  uint32_t body_size = 1024;
  uint64_t messages = 1'000'000;   // read: how many to write, then read back
  uint32_t queues = 8;
  uint32_t max_messages = 32;      // read: per read call
  bool rebuild = false;            // recovery: delete consumequeue/, index/, checkpoint first
  bool cold = false;               // recovery: evict the store's files from the page cache first
  bool prefill = false;            // fsync-rate: write the file once before measuring
  int ready_fd = -1;               // fill: where to report the end offset
};

// flush = async, `threads` appenders of `batch`-message batches until `bytes` of log (or for
// `seconds`), then sync(); the sync is inside the time.
report run_append_async(const bench_options& o);
// flush = sync, `threads` appenders of single messages, blocking, for `seconds`.
report run_append_sync(const bench_options& o);
// Write `messages` over `queues`, sync, then read every queue from offset 0 to its end.
report run_read(const bench_options& o);
// A child (`self` fill ...) writes `bytes` of log and is SIGKILLed; then time the open.
report run_recovery(const bench_options& o, const std::filesystem::path& self);
// Baseline: write `body_size` bytes + fdatasync in a loop for `seconds` on a preallocated file.
report run_fsync_rate(const bench_options& o);
// recovery's child: fill, sync, wait for a checkpoint, report the end offset on ready_fd, then
// wait to be killed. Does not return.
[[noreturn]] void run_fill(const bench_options& o);

}  // namespace berth::bench
