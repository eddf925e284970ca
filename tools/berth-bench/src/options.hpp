// berth-bench's command line, parsed into plain options (unit-tested without a broker).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace berth::tools {

struct bench_options {
  std::string server = "127.0.0.1:10911";
  std::string topic = "bench";
  uint32_t queues = 4;
  unsigned producers = 1;
  unsigned consumers = 0;
  size_t size = 128;        // body bytes; the first 8 carry the send time
  uint32_t batch = 1;       // messages per SEND_BATCH
  double rate = 0;          // messages per second over all producers; 0: unlimited
  std::chrono::milliseconds duration{10'000};
  uint32_t in_flight = 64;  // async sends outstanding per producer
  bool sync = false;        // wait for each send
  std::string group;        // empty: "berth-bench-<pid>"
  bool from_earliest = false;
  std::chrono::milliseconds timeout{10'000};  // per request
  bool json = false;
};

struct parse_outcome {
  std::optional<bench_options> options;  // set when the benchmark should run
  int exit_code = 0;                     // otherwise: exit with this
  std::string out;                       // help text (exit 0)
  std::string err;                       // the usage error, one line (exit 2)
};

parse_outcome parse_bench_options(const std::vector<std::string>& args);  // without argv[0]

}  // namespace berth::tools
