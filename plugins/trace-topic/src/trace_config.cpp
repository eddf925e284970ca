#include "trace_config.hpp"

#include <berth/plugin/error.hpp>

namespace berth::trace_topic {

const char* const trace_schema = R"json({
  "keys": {
    "topic": {"type": "string", "default": "RMQ_SYS_TRACE_TOPIC",
              "help": "where the records go: one of the broker's own topics (a name beginning RMQ_SYS_ or rmq_sys_), made with one queue"},
    "queue_capacity": {"type": "int", "default": 65536, "min": 1, "max": 10000000,
                       "help": "records held in memory until they are written; an event arriving when it is full is dropped and counted (berth_trace_dropped_total)"},
    "batch_records": {"type": "int", "default": 100, "min": 1, "max": 1000,
                      "help": "records in one trace message at most"},
    "max_batch_bytes": {"type": "size", "default": "128000B", "min": "1KiB", "max": "4MiB",
                        "help": "body bytes of one trace message at most (a longer record goes alone)"},
    "flush_interval": {"type": "duration", "default": "1s", "min": "1ms", "max": "1m",
                       "help": "records are written at least this often (sooner when a batch is full)"}
  }
})json";

trace_config read_trace_config(const sdk::host& host) {
  trace_config c;
  c.topic = host.config_string("topic");
  if (!c.topic.starts_with("RMQ_SYS_") && !c.topic.starts_with("rmq_sys_")) {
    throw sdk::plugin_error(BERTH_E_INVALID,
                            "topic '" + c.topic +
                                "': trace records go to one of the broker's own topics (a name "
                                "beginning RMQ_SYS_ or rmq_sys_)");
  }
  c.queue_capacity = static_cast<size_t>(host.config_int("queue_capacity"));
  c.batch_records = static_cast<size_t>(host.config_int("batch_records"));
  c.max_batch_bytes = static_cast<size_t>(host.config_size("max_batch_bytes"));
  c.flush_interval = host.config_duration("flush_interval");
  return c;
}

}  // namespace berth::trace_topic
