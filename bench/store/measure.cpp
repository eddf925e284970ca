#include "measure.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace berth::bench {

latency_summary summarize(std::vector<uint64_t>& samples_ns) {
  latency_summary s;
  s.count = samples_ns.size();
  if (samples_ns.empty()) return s;
  std::sort(samples_ns.begin(), samples_ns.end());
  const auto at = [&](double q) {
    const auto i = static_cast<size_t>(q * static_cast<double>(samples_ns.size() - 1));
    return static_cast<double>(samples_ns[i]) / 1e3;
  };
  s.p50_us = at(0.50);
  s.p99_us = at(0.99);
  s.max_us = static_cast<double>(samples_ns.back()) / 1e3;
  return s;
}

work_dir::work_dir(const std::filesystem::path& parent, bool keep) : keep_(keep) {
  std::string pattern = (parent / "berth-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw bench_error("cannot make a work directory in " + parent.string() + ": " +
                      std::strerror(errno));
  }
  path_ = std::filesystem::absolute(pattern);
}

work_dir::~work_dir() {
  if (keep_) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace berth::bench
