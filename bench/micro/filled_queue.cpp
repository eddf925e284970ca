#include "filled_queue.hpp"

#include "store_samples.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace berth::bench::micro {
namespace {

constexpr uint64_t queue_segment_size = uint64_t{256} << 20;  // room for 100k records of 1 KiB
constexpr size_t append_batch = 1000;

std::string tag_of(size_t i) {
  if (i % 100 == 0) return "TagA";
  return i % 10 == 0 ? "TagB" : "TagC";
}

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "berth-micro-bench: %s\n", why.c_str());
  std::exit(1);
}

}  // namespace

filled_queue::filled_queue(uint64_t count, size_t body_bytes)
    : count_(count),
      log_(queue_segment_size, false),
      queues_(log_.dir() / "consumequeue", count + 1),
      index_({log_.dir() / "index", 1 << 16, 1 << 20}) {
  (void)queues_.load();
  (void)index_.load();
  dispatcher_ = std::make_unique<store_mmap::dispatcher>(store_mmap::dispatcher::parts{
      log_.log(), queues_, index_, listener_, [this] { return log_.log().write_offset(); },
      [](const std::string& e) { die(e); }, [](const std::string&) {}});
  reader_ = std::make_unique<store_mmap::reader>(store_mmap::reader::parts{
      log_.log(), queues_, index_, [this] { return log_.log().write_offset(); },
      [](const std::string& e) { die(e); }});

  // Messages are numbered across batches so that the tags follow the pattern above.
  std::vector<berth_append_result> results(append_batch);
  for (uint64_t done = 0; done < count;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(append_batch, count - done));
    const message_views batch(n, body_bytes, [done](size_t i) { return tag_of(done + i); });
    (void)log_.appender().write(batch.all(), std::span(results).first(n), 1'765'000'000'001);
    for (size_t i = 0; i < n; ++i) {
      const store_mmap::pinned_bytes bytes = log_.log().tail_at(results[i].log_offset);
      const store_mmap::decode_result r =
          store_mmap::decode(bytes.bytes, results[i].log_offset, false);
      if (r.status != store_mmap::decode_status::record) die("appended record not readable");
      dispatcher_->dispatch(r.record);
    }
    done += n;
  }
}

filled_queue::~filled_queue() = default;

}  // namespace berth::bench::micro
