// What every scenario shares: the error type, a clock, latency percentiles, the work
// directory and the report a scenario hands back.
#pragma once

#include "common/result.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace berth::bench {

// Any failure: the bench stops and prints the message.
struct bench_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The value of `r`, or bench_error with `what` and the kernel's message.
template <class T>
T expect(result<T> r, const std::string& what) {
  if (!r) throw bench_error(what + ": " + r.error().message);
  if constexpr (!std::is_void_v<T>) return std::move(r).value();
}

using bench_clock = std::chrono::steady_clock;

inline double seconds_since(bench_clock::time_point start) {
  return std::chrono::duration<double>(bench_clock::now() - start).count();
}

// Percentiles of per-call latencies, in microseconds.
struct latency_summary {
  uint64_t count = 0;
  double p50_us = 0, p99_us = 0, max_us = 0;
};
// Sorts `samples_ns`.
latency_summary summarize(std::vector<uint64_t>& samples_ns);

// A fresh berth-bench-XXXXXX directory inside `parent`, removed (whole) on destruction unless
// keep is set.
class work_dir {
 public:
  work_dir(const std::filesystem::path& parent, bool keep);
  ~work_dir();
  work_dir(const work_dir&) = delete;
  work_dir& operator=(const work_dir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  bool keep_;
};

// One scenario's outcome: a line for people, numbers for run.sh.
struct report {
  std::string line;
  nlohmann::json values;
};

// Decimal units, as dd prints them.
constexpr double mb = 1e6;
constexpr double gb = 1e9;

}  // namespace berth::bench
