// One run of a peer load generator, the way berth-bench runs one (tools/berth-bench/src/
// bench.cpp): consumers start first and say when they are ready, producers send until
// --seconds or --messages, then consumers catch up (or, reading a backlog alone, stop after
// 2 s without a message). The peer programs supply only what a producer and a consumer do.
#pragma once

#include "histogram.hpp"
#include "load_options.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace berth::bench::compare {

int64_t now_ns();  // the machine's monotonic clock, as berth-bench stamps bodies
void sleep_for_ms(int ms);

// The send time into the body's first 8 bytes; and back out (0: too short).
void stamp(std::string& body);
int64_t stamped_at(const void* data, size_t len);

// A histogram written from one client's callbacks.
struct latency_sink {
  std::mutex mu;
  tools::log_histogram h;
  void record(int64_t ns, uint64_t times = 1);
};

// What the producers and consumers of a run share.
struct load_result;
class load_context;
using load_role = std::function<void(unsigned index, load_context& ctx)>;

class load_context {
 public:
  load_context(const load_options& o, unsigned producers, unsigned consumers);

  const load_options& options;

  // Producers: still time to send; how many of `want` messages --messages leaves.
  [[nodiscard]] bool sending() const { return now_ns() < stop_ns_; }
  uint32_t claim(uint32_t want);
  void sent_at_rate(unsigned producer);  // sleeps for its share of --rate
  void acked(unsigned producer, int64_t sent_ns, uint64_t count = 1);
  void error(const std::string& what);

  // Consumers: call ready() once subscribed; received() per message; loop until stopping().
  void ready();
  void received(unsigned consumer, const void* body, size_t len);
  [[nodiscard]] bool stopping() const { return stop_consumers_.load(); }

 private:
  friend load_result run_load(const load_options&, const load_role&, const load_role&);
  int64_t run_start_ns_;
  int64_t start_ns_ = 0;
  int64_t stop_ns_ = 0;
  std::vector<int64_t> next_send_ns_;  // per producer, for --rate
  std::atomic<uint64_t> claimed_{0};
  std::atomic<uint64_t> produced_{0};
  std::atomic<uint64_t> consumed_{0};
  std::atomic<uint64_t> errors_{0};
  std::atomic<int64_t> last_ack_ns_{0};
  std::atomic<int64_t> first_consume_ns_{0};
  std::atomic<int64_t> last_consume_ns_{0};
  std::atomic<unsigned> ready_{0};
  std::atomic<bool> stop_consumers_{false};
  std::vector<std::unique_ptr<latency_sink>> send_ack_;
  std::vector<std::unique_ptr<latency_sink>> end_to_end_;
  std::mutex error_mu_;
  std::string first_error_;
};

struct load_result {
  uint64_t produced = 0;
  double produce_seconds = 0;
  uint64_t consumed = 0;
  double consume_seconds = 0;
  uint64_t errors = 0;
  std::string first_error;
  tools::log_histogram send_ack;
  tools::log_histogram end_to_end;
};

// Runs `consume` on o.consumers threads and `produce` on o.producers threads.
load_result run_load(const load_options& o, const load_role& produce, const load_role& consume);

}  // namespace berth::bench::compare
