// berth-bench --connections N: how fast the broker takes new connections. Each one connects,
// handshakes (TLS with --tls), says HELLO, asks one TOPIC_DESCRIBE and closes; --producers
// threads do this at the same time. With TLS this is the handshake rate.
#pragma once

#include "histogram.hpp"
#include "options.hpp"

#include <cstdint>
#include <string>

namespace berth::tools {

struct connect_report {
  uint64_t opened = 0;  // connections that got their answer
  uint64_t failed = 0;
  double seconds = 0;
  std::string first_error;
  log_histogram latency;  // ns, from start to the answer
};

connect_report run_connect_bench(const bench_options& o);

std::string format_connect_report(const bench_options& o, const connect_report& r);
std::string format_connect_report_json(const bench_options& o, const connect_report& r);

}  // namespace berth::tools
