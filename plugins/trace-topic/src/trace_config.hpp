// trace-topic's keys, read once at create().
#pragma once

#include <berth/plugin/host.hpp>

#include <chrono>
#include <cstddef>
#include <string>

namespace berth::trace_topic {

extern const char* const trace_schema;

struct trace_config {
  std::string topic = "RMQ_SYS_TRACE_TOPIC";  // one of the broker's own topics
  size_t queue_capacity = 65'536;             // records waiting to be written; more are dropped
  size_t batch_records = 100;                 // records per trace message at most
  size_t max_batch_bytes = 128'000;           // body bytes per trace message at most
  std::chrono::nanoseconds flush_interval{std::chrono::seconds(1)};
};

trace_config read_trace_config(const sdk::host& host);

}  // namespace berth::trace_topic
