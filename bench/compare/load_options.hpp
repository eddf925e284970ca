// The command line both peer load generators (nats_load, redis_load) share. The names follow
// berth-bench's where the meaning is the same, so run.sh drives all three alike.
#pragma once

#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace berth::bench::compare {

struct load_options {
  std::string server = "127.0.0.1:4222";
  std::string stream = "bench";  // NATS stream and subject, Redis stream key
  unsigned producers = 1;
  unsigned consumers = 0;
  uint32_t size = 128;          // body bytes, the first 8 the monotonic send time
  uint32_t in_flight = 256;     // per producer: the async publish window, the pipeline depth
  bool sync = false;            // one message at a time, waiting for each answer
  double rate = 0;              // messages per second over all producers; 0: unlimited
  double seconds = 5;           // how long producers send (consumers only: the longest read)
  uint64_t messages = 0;        // at most this many over all producers; 0: no limit
  std::string group;            // consumers read the stream from its start in this new group
  uint32_t fetch = 500;         // messages per fetch or XREADGROUP COUNT

  [[nodiscard]] std::string host() const;
  [[nodiscard]] int port() const;
};

// Adds the shared options to `app`, bound to `o`.
void add_load_options(CLI::App& app, load_options& o);

}  // namespace berth::bench::compare
