// berth-bench's command line, parsed into plain options (unit-tested without a broker).
#pragma once

#include "connect_flags.hpp"

#include <berth/client/tls.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace berth::tools {

struct bench_options {
  std::string server = "127.0.0.1:10911";
  client::tls_options tls;
  client::credentials credentials;
  std::string topic = "bench";
  uint32_t queues = 4;
  unsigned producers = 1;
  unsigned consumers = 0;
  size_t size = 128;        // body bytes; the first 8 carry the send time
  uint32_t batch = 1;       // messages per SEND_BATCH
  double rate = 0;          // messages per second over all producers; 0: unlimited
  std::chrono::milliseconds duration{10'000};
  uint64_t messages = 0;    // over all producers; 0: --duration alone decides
  uint32_t in_flight = 64;  // async sends outstanding per producer
  bool sync = false;        // wait for each send
  // Timed messages: each is to be delivered this long after its send (0: at once). Consumers
  // then measure the lateness of each delivery.
  std::chrono::milliseconds deliver_after{0};
  bool pop = false;  // consumers are simple_consumers (POP + ACK), not push consumers
  // Each message carries the property bucket = <its number> % buckets (0: no property), so
  // that a SQL filter such as "bucket = 0" selects a known share of them.
  uint32_t buckets = 0;
  std::string sql;  // consumers subscribe with this SQL92 filter ("": every message)
  std::string group;        // empty: "berth-bench-<pid>"
  bool from_earliest = false;
  std::chrono::milliseconds timeout{10'000};  // per request
  bool json = false;
  // Connection mode: open this many connections (connect, TLS handshake, HELLO and one
  // request each, then close), `producers` at a time, and report the rate; no messages.
  uint64_t connections = 0;

  // Any client's options with --server, --timeout and TLS set.
  template <class Options>
  [[nodiscard]] Options client_options() const {
    return connection_options<Options>(server, timeout, tls, credentials);
  }

  // A pop consumer receives up to this many messages at a time, each invisible this long.
  static constexpr uint32_t pop_batch = 32;
  static constexpr std::chrono::seconds pop_invisible{30};
};

struct parse_outcome {
  std::optional<bench_options> options;  // set when the benchmark should run
  int exit_code = 0;                     // otherwise: exit with this
  std::string out;                       // help text (exit 0)
  std::string err;                       // the usage error, one line (exit 2)
};

parse_outcome parse_bench_options(const std::vector<std::string>& args);  // without argv[0]

}  // namespace berth::tools
