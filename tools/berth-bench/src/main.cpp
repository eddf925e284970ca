// berth-bench: a load generator for Berth (berth-bench --help; bench/messaging/run.sh runs it).
#include "bench.hpp"
#include "connect_bench.hpp"
#include "options.hpp"

#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  using namespace berth::tools;
  try {
    const auto parsed = parse_bench_options(std::vector<std::string>(argv + 1, argv + argc));
    if (!parsed.options) {
      if (!parsed.out.empty()) std::fputs(parsed.out.c_str(), stdout);
      if (!parsed.err.empty()) std::fprintf(stderr, "berth-bench: %s (see --help)\n", parsed.err.c_str());
      return parsed.exit_code;
    }
    const bench_options& o = *parsed.options;
    if (o.connections > 0) {
      const connect_report r = run_connect_bench(o);
      const std::string out = o.json ? format_connect_report_json(o, r) + "\n"
                                     : format_connect_report(o, r);
      std::fputs(out.c_str(), stdout);
      return r.failed == 0 ? 0 : 1;
    }
    bench_report report;
    std::string why;
    if (!run_bench(o, report, why)) {
      std::fprintf(stderr, "berth-bench: %s\n", why.c_str());
      return 1;
    }
    const std::string out =
        o.json ? format_report_json(o, report) + "\n" : format_report(o, report);
    std::fputs(out.c_str(), stdout);
    return report.errors == 0 && report.consume_errors == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "berth-bench: internal error: %s\n", e.what());
    return 1;
  }
}
