// Commit-log append: one batch per iteration through store-mmap's appender, as
// mmap_store::append calls it (validate, then write: queue offsets, record encoding with its
// CRC32C, the copy into the mapped segment, the message id).
//
// Why the appender and not the store through the kernel facade (as bench/store does): the
// facade hands each batch to the store's threads and waits for the answer, so on two cores
// the figure is mostly thread hand-offs and scheduling, and bench/store measures that end to
// end. Here a slower encoder or CRC shows undiluted.
#include "appending_log.hpp"
#include "store_samples.hpp"

#include "record.hpp"

#include <benchmark/benchmark.h>

#include <vector>

namespace berth::bench::micro {
namespace {

constexpr uint64_t append_segment_size = uint64_t{256} << 20;
constexpr int64_t now_ms = 1'765'000'000'001;

// One log per setting for the whole run: google-benchmark calls a benchmark several times
// (to size the iteration count), and preparing a segment takes longer than a run.
appending_log& prefaulted_log() {
  static appending_log log(append_segment_size, true);
  return log;
}
appending_log& fresh_log() {
  static appending_log log(append_segment_size, false);
  return log;
}

void log_append(benchmark::State& state) {
  const message_views batch(static_cast<size_t>(state.range(0)), static_cast<size_t>(state.range(1)));
  const bool prefault = state.range(2) != 0;
  uint64_t record_bytes = 0;
  for (const berth_message_view* m : batch.all()) record_bytes += store_mmap::encoded_size(*m);

  appending_log& log = prefault ? prefaulted_log() : fresh_log();
  std::vector<berth_append_result> results(batch.all().size());
  for (auto _ : state) {
    if (!log.has_room(record_bytes)) {
      // A full segment: start a new log rather than roll, so every timed append writes into
      // a segment prepared the same way.
      state.PauseTiming();
      log.restart();
      state.ResumeTiming();
    }
    log.appender().validate(batch.all());
    benchmark::DoNotOptimize(log.appender().write(batch.all(), results, now_ms));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(record_bytes));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch.all().size()));
}

// Bytes are commit-log bytes (records, headers included); items are messages.
BENCHMARK(log_append)
    ->ArgNames({"msgs", "body", "prefault"})
    ->Args({32, 128, 1})
    ->Args({32, 1024, 1})
    ->Args({32, 1024, 0});

}  // namespace
}  // namespace berth::bench::micro
