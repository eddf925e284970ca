#include "topic_tracer.hpp"

#include "trace_batch.hpp"

#include <berth/abi/berth_message.h>

#include <algorithm>
#include <chrono>
#include <string>

namespace berth::trace_topic {
namespace {

constexpr auto drop_warning_every = std::chrono::seconds(10);
// Records taken by the writer at once: a few trace messages, appended in one call.
constexpr size_t batches_per_write = 16;

// The writer is woken when this many records wait (or after flush_interval): a store append
// per few thousand records, not per batch, and never so late that the queue is full.
size_t wake_threshold(const trace_config& c) {
  return std::max<size_t>(1, std::min(c.batch_records * batches_per_write, c.queue_capacity / 2));
}

}  // namespace

topic_tracer::topic_tracer(sdk::host& host)
    : host_(host),
      config_(read_trace_config(host)),
      queue_(config_.queue_capacity, wake_threshold(config_)),
      dropped_(host.counter("trace_dropped_total",
                            "Trace records dropped: the queue was full, or the store refused "
                            "them at shutdown")),
      written_(host.counter("trace_records_total",
                            "Trace records stored in the trace topic")),
      write_failures_(host.counter("trace_write_failures_total",
                                   "Writes to the trace topic the store refused (retried)")),
      queued_(host.gauge("trace_queued", "Trace records waiting to be written")),
      writer_([this] { run(); }) {
  host_.info("trace records go to topic '", config_.topic, "' (queue of ",
             config_.queue_capacity, " records, written every ",
             std::chrono::duration_cast<std::chrono::milliseconds>(config_.flush_interval).count(),
             " ms or per ", config_.batch_records, ")");
}

topic_tracer::~topic_tracer() {
  queue_.close();
  writer_.join();
}

void topic_tracer::on_event(const berth_trace_event& event) {
  const berth_trace_event* one = &event;
  on_events(std::span<const berth_trace_event* const>(&one, 1));
}

void topic_tracer::on_events(std::span<const berth_trace_event* const> events) {
  for (trace_record& r : records_of(events)) {
    const size_t n = r.events();
    if (!queue_.push(std::move(r))) count_dropped(n);
  }
}

void topic_tracer::count_dropped(size_t n) {
  dropped_.add(static_cast<int64_t>(n));
  dropped_since_warning_ += n;
  // A warning at most every few seconds: the hot path must not become a logging path.
  const int64_t now = host_.now_monotonic().count();
  int64_t last = last_drop_warning_ns_.load(std::memory_order_relaxed);
  if (now - last < std::chrono::nanoseconds(drop_warning_every).count() && last != 0) return;
  if (!last_drop_warning_ns_.compare_exchange_strong(last, now)) return;
  host_.warn(dropped_since_warning_.exchange(0),
             " trace record(s) dropped: the trace queue is full (queue_capacity ",
             config_.queue_capacity, "); see berth_trace_dropped_total");
}

void topic_tracer::run() {
  const size_t per_write = config_.batch_records * batches_per_write;
  while (true) {
    std::vector<trace_record> records = queue_.take(per_write, config_.flush_interval);
    queued_.set(static_cast<int64_t>(queue_.size()));
    if (records.empty()) {
      if (queue_.closed()) return;
      continue;
    }
    if (write(records)) continue;
    if (queue_.closed()) {  // the broker is stopping: what the store refused now is lost
      size_t events = queue_.size();
      for (const trace_record& r : records) events += r.events();
      count_dropped(events);
      return;
    }
    // Refused (the store is not ready yet, or full): kept, and tried again after a pause.
    count_dropped(queue_.put_back(std::move(records)));
    std::this_thread::sleep_for(config_.flush_interval);
  }
}

bool topic_tracer::write(const std::vector<trace_record>& records) {
  const std::vector<trace_message> messages = pack(
      records, batch_limits{config_.batch_records, config_.max_batch_bytes, batch_limits{}.max_key_bytes});
  static constexpr std::string_view tag = "trace";
  std::vector<berth_message_view> views(messages.size());
  std::vector<const berth_message_view*> pointers;
  pointers.reserve(messages.size());
  for (size_t i = 0; i < messages.size(); ++i) {
    berth_message_view& v = views[i];
    v.struct_size = sizeof v;
    v.topic = berth_str{config_.topic.data(), config_.topic.size()};
    v.tags = berth_str{tag.data(), tag.size()};
    v.keys = berth_str{messages[i].keys.data(), messages[i].keys.size()};
    v.body = berth_bytes{reinterpret_cast<const uint8_t*>(messages[i].body.data()),
                         messages[i].body.size()};
    pointers.push_back(&v);
  }
  std::string reason;
  const berth_status status = host_.append(pointers, reason);
  if (status == BERTH_OK) {
    size_t events = 0;
    for (const trace_record& r : records) events += r.events();
    written_.add(static_cast<int64_t>(events));
    return true;
  }
  write_failures_.add();
  if (status != BERTH_E_CLOSED) {  // CLOSED: the store is not ready yet, or the broker stops
    host_.warn("cannot store ", records.size(), " trace line(s) in '", config_.topic,
               "': ", reason, " (kept, retried)");
  }
  return false;
}

}  // namespace berth::trace_topic
