// libberth-tracer-topic.so: every produce, deliver, ack and commit as a record in the trace
// topic.
#include "topic_tracer.hpp"
#include "trace_config.hpp"

BERTH_DEFINE_TRACER_PLUGIN(berth::trace_topic::topic_tracer, "topic", "0.1.0",
                           "records of every produce, deliver, ack and commit, batched into the "
                           "trace topic (RMQ_SYS_TRACE_TOPIC)",
                           berth::trace_topic::trace_schema)
