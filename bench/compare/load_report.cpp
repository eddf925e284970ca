#include "load_report.hpp"

#include <nlohmann/json.hpp>

namespace berth::bench::compare {

namespace {

double per_second(double n, double seconds) { return seconds > 0 ? n / seconds : 0.0; }

nlohmann::json latency(const tools::log_histogram& h) {
  const auto ms = [](uint64_t ns) { return static_cast<double>(ns) / 1e6; };
  return {{"count", h.count()},
          {"p50_ms", ms(h.percentile(50))},
          {"p99_ms", ms(h.percentile(99))},
          {"p999_ms", ms(h.percentile(99.9))},
          {"max_ms", ms(h.max())},
          {"mean_ms", h.mean() / 1e6}};
}

}  // namespace

std::string format_load_json(const load_options& o, const load_result& r) {
  const auto produced = static_cast<double>(r.produced);
  const nlohmann::json j{
      {"producers", o.producers},
      {"consumers", o.consumers},
      {"size", o.size},
      {"in_flight", o.in_flight},
      {"sync", o.sync},
      {"messages", o.messages},
      {"rate", o.rate},
      {"duration_s", o.seconds},
      {"produced", r.produced},
      {"produce_seconds", r.produce_seconds},
      {"produced_msgs_per_s", per_second(produced, r.produce_seconds)},
      {"produced_mb_per_s", per_second(produced * o.size, r.produce_seconds) / 1e6},
      {"consumed", r.consumed},
      {"consume_seconds", r.consume_seconds},
      {"consumed_msgs_per_s", per_second(static_cast<double>(r.consumed), r.consume_seconds)},
      {"errors", r.errors},
      {"first_error", r.first_error},
      {"send_ack_latency", latency(r.send_ack)},
      {"end_to_end_latency", latency(r.end_to_end)}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace berth::bench::compare
