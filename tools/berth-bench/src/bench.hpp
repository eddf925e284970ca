// One benchmark run: create the topic, start the consumers (push consumers: wait until they
// own every queue; pop consumers: one receive-and-ack loop each), run the producers for
// --duration or --messages (paced, with a bounded window of async sends), wait for the acks
// and for the consumers to catch up (timed messages: until they are due), and report.
#pragma once

#include "histogram.hpp"
#include "options.hpp"

#include <cstdint>
#include <string>

namespace berth::tools {

struct bench_report {
  uint64_t sent = 0;      // messages handed to the producer
  uint64_t produced = 0;  // acknowledged by the broker
  uint64_t consumed = 0;
  uint64_t errors = 0;    // failed sends
  uint64_t pop_acks = 0;        // messages acked by pop consumers
  uint64_t consume_errors = 0;  // failed POPs and ACKs
  uint64_t early = 0;  // timed messages received more than 1 ms before they were due
  double produce_seconds = 0;  // first send to last ack
  double consume_seconds = 0;  // consumers ready to last message consumed
  uint64_t produced_bytes = 0;
  std::string first_error;
  log_histogram send_latency;  // ns, send -> ack
  log_histogram e2e_latency;   // ns, send -> consumer listener (or pop's answer)
  log_histogram lateness;      // ns, due time (send + --deliver-after) -> consumer; 0 if early
};

// Runs the benchmark; on a failure to set up (topic, connection) returns false with `why`.
bool run_bench(const bench_options& o, bench_report& report, std::string& why);

// The final report: readable text, or one JSON object.
std::string format_report(const bench_options& o, const bench_report& r);
std::string format_report_json(const bench_options& o, const bench_report& r);

}  // namespace berth::tools
