// The tracer: each event is copied into a bounded queue on the thread that reports it (a
// network thread, which must not wait), and a writer thread of its own packs the records into
// trace messages and stores them in the trace topic through the host (berth_host.append).
// A full queue drops the event and counts it; a store that refuses (not ready yet, disk full)
// keeps the records queued and is tried again after flush_interval. At destruction, what is
// queued is written once more, then the thread ends.
#pragma once

#include "record_queue.hpp"
#include "trace_config.hpp"

#include <berth/plugin/tracer.hpp>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace berth::trace_topic {

class topic_tracer final : public sdk::tracer_plugin {
 public:
  explicit topic_tracer(sdk::host& host);
  ~topic_tracer() override;
  topic_tracer(const topic_tracer&) = delete;
  topic_tracer& operator=(const topic_tracer&) = delete;

  void on_event(const berth_trace_event& event) override;
  void on_events(std::span<const berth_trace_event* const> events) override;

 private:
  void run();
  // Store `records` as trace messages: true when the store has them.
  bool write(const std::vector<trace_record>& records);
  void count_dropped(size_t n);

  sdk::host& host_;
  const trace_config config_;
  record_queue queue_;
  sdk::metric dropped_;
  sdk::metric written_;
  sdk::metric write_failures_;
  sdk::metric queued_;
  std::atomic<int64_t> last_drop_warning_ns_{0};
  std::atomic<uint64_t> dropped_since_warning_{0};
  std::thread writer_;  // last: started once everything above exists
};

}  // namespace berth::trace_topic
