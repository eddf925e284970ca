// A filtered pull's walk over a consume queue: store-mmap's reader (the code under the
// store's read()) from an offset until 32 messages matched, skipping entries by tag hash
// through the broker's tag filter (kernel/filter's message_filter over the filter-tag
// plugin, called through a trampoline like kernel/store's accept_trampoline), and loading
// each match from the commit log (CRC32C checked, properties parsed, message id made).
//
// items/s: consume-queue entries walked; served/s: messages handed out. The store's ABI
// adapter and the kernel's read_result are left out (a constant few calls per read).
#include "filled_queue.hpp"

#include "filter_fixture.hpp"

#include <benchmark/benchmark.h>

#include <functional>

namespace berth::bench::micro {
namespace {

constexpr uint64_t queue_entries = 100'000;
constexpr uint32_t pull_messages = 32;  // a pull's default batch (kernel/delivery)

const filled_queue& queue() {
  static const filled_queue q(queue_entries, 128);
  return q;
}

using tag_hash_filter = std::function<bool(uint64_t)>;  // as kernel/store/types.hpp

int32_t accept_trampoline(void* arg, uint64_t tag_hash) noexcept {
  return (*static_cast<const tag_hash_filter*>(arg))(tag_hash) ? 1 : 0;
}

void scan(benchmark::State& state, std::string_view expression) {
  const filled_queue& q = queue();
  const kernel::filter::filter_ptr filter =
      expression.empty() ? nullptr : compile_filter(wire::filter_type::tag, expression);
  const tag_hash_filter accept = [&filter](uint64_t hash) { return filter->may_match(hash); };

  sdk::read_request request;
  request.topic = filled_queue::topic;
  request.queue_id = filled_queue::queue_id;
  request.max_messages = pull_messages;
  if (filter) {
    request.accept = &accept_trampoline;
    request.accept_arg = const_cast<tag_hash_filter*>(&accept);
  }
  uint64_t walked = 0;
  uint64_t served = 0;
  for (auto _ : state) {
    const sdk::read_batch_ptr batch = q.reader().read(request);
    walked += batch->next_offset - request.offset;
    served += batch->messages.size();
    // Past the end: start over (the last read of a round finds fewer).
    request.offset = batch->next_offset < q.count() ? batch->next_offset : 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(walked));
  state.counters["served"] = benchmark::Counter(static_cast<double>(served),
                                                benchmark::Counter::kIsRate);
}

void queue_scan_unfiltered(benchmark::State& state) { scan(state, ""); }
void queue_scan_tag_1_in_10(benchmark::State& state) { scan(state, "TagA || TagB"); }
void queue_scan_tag_1_in_100(benchmark::State& state) { scan(state, "TagA"); }

BENCHMARK(queue_scan_unfiltered);
BENCHMARK(queue_scan_tag_1_in_10);
BENCHMARK(queue_scan_tag_1_in_100);

}  // namespace
}  // namespace berth::bench::micro
