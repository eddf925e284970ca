#include "connect_bench.hpp"

#include <berth/client/admin.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace berth::tools {

namespace {

using clock_type = std::chrono::steady_clock;

int64_t elapsed_ns(clock_type::time_point since) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - since).count();
}

double rate(const connect_report& r) {
  return r.seconds > 0 ? static_cast<double>(r.opened) / r.seconds : 0.0;
}

}  // namespace

connect_report run_connect_bench(const bench_options& o) {
  connect_report report;
  std::atomic<uint64_t> claimed{0};
  std::mutex mutex;  // report's counters, histogram and first error
  const auto start = clock_type::now();
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < o.producers; ++i) {
    threads.emplace_back([&] {
      log_histogram mine;
      uint64_t opened = 0, failed = 0;
      std::string error;
      while (claimed.fetch_add(1) < o.connections) {
        const auto began = clock_type::now();
        client::admin admin(o.client_options<client::admin_options>());
        auto ok = admin.start();
        if (ok) {
          auto described = admin.describe_topic(o.topic);
          // NO_TOPIC is an answer too: the connection worked.
          if (!described && described.error().status != wire::status::no_topic) {
            ok = failure(described.error());
          }
        }
        if (ok) {
          mine.record(static_cast<uint64_t>(elapsed_ns(began)));
          ++opened;
        } else {
          ++failed;
          if (error.empty()) error = ok.error().to_string();
        }
      }
      std::lock_guard lock(mutex);
      report.latency.merge(mine);
      report.opened += opened;
      report.failed += failed;
      if (report.first_error.empty()) report.first_error = error;
    });
  }
  for (auto& t : threads) t.join();
  report.seconds = static_cast<double>(elapsed_ns(start)) / 1e9;
  return report;
}

std::string format_connect_report(const bench_options& o, const connect_report& r) {
  const auto ms = [](uint64_t ns) { return fmt::format("{:.3f}", static_cast<double>(ns) / 1e6); };
  std::string s = fmt::format("berth-bench: {} connections, {} at a time, {}\n", o.connections,
                              o.producers, o.tls.enabled ? "TLS" : "plain TCP");
  s += fmt::format("opened    {:>10} in {:.2f} s  {:>10.1f} connections/s\n", r.opened, r.seconds,
                   rate(r));
  s += fmt::format("errors    {:>10}{}\n", r.failed,
                   r.first_error.empty() ? "" : "  (first: " + r.first_error + ")");
  s += fmt::format("latency ms  {:>9} {:>9} {:>9} {:>9}\n", "p50", "p99", "max", "count");
  s += fmt::format("{:<11} {:>9} {:>9} {:>9} {:>9}\n", "connect", ms(r.latency.percentile(50)),
                   ms(r.latency.percentile(99)), ms(r.latency.max()), r.latency.count());
  return s;
}

std::string format_connect_report_json(const bench_options& o, const connect_report& r) {
  const auto to_ms = [](uint64_t ns) { return static_cast<double>(ns) / 1e6; };
  const nlohmann::json j{{"connections", o.connections},
                         {"parallel", o.producers},
                         {"tls", o.tls.enabled},
                         {"opened", r.opened},
                         {"failed", r.failed},
                         {"seconds", r.seconds},
                         {"connections_per_s", rate(r)},
                         {"first_error", r.first_error},
                         {"connect_latency",
                          {{"count", r.latency.count()},
                           {"p50_ms", to_ms(r.latency.percentile(50))},
                           {"p99_ms", to_ms(r.latency.percentile(99))},
                           {"max_ms", to_ms(r.latency.max())}}}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace berth::tools
