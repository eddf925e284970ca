// Overload tests' tools: berthd's memory from /proc, a well-behaved client whose request
// latency is measured while others abuse the broker, and the bounds the tests assert.
#pragma once

#include "broker_fixture.hpp"
#include "wire_client.hpp"

#include <berth/wire/bodies.hpp>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace berth::test {

using namespace std::chrono_literals;

// The bounds are multiplied by this under the sanitizers (BERTH_OVERLOAD_SLACK, set by
// tests/overload/CMakeLists.txt), whose shadow memory and slower code inflate both.
inline double slack() {
  const char* s = std::getenv("BERTH_OVERLOAD_SLACK");
  return s != nullptr ? std::max(1.0, std::atof(s)) : 1.0;
}

// The latency the well-behaved client must keep while others abuse the broker: p99 under
// 500 ms and no single request over 2 s (times the slack). Generous on purpose (a loaded CI
// machine with 2 cores), yet a broker that stalls its other clients fails it.
inline std::chrono::milliseconds p99_bound() { return std::chrono::milliseconds(static_cast<int64_t>(500 * slack())); }
inline std::chrono::milliseconds max_bound() { return std::chrono::milliseconds(static_cast<int64_t>(2000 * slack())); }

// From /proc/<pid>/status, in KiB.
struct memory_sample {
  int64_t vm_rss = 0;
  int64_t vm_hwm = 0;
  int64_t rss_anon = 0;
  int64_t rss_file = 0;
};

inline memory_sample memory_of(pid_t pid) {
  memory_sample out;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (status >> key) {
    int64_t value = 0;
    if (key == "VmRSS:" && status >> value) out.vm_rss = value;
    else if (key == "VmHWM:" && status >> value) out.vm_hwm = value;
    else if (key == "RssAnon:" && status >> value) out.rss_anon = value;
    else if (key == "RssFile:" && status >> value) out.rss_file = value;
    std::getline(status, key);
  }
  return out;
}

// Open descriptors of `pid`.
inline size_t open_files_of(pid_t pid) {
  std::error_code ec;
  size_t n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

// Polls berthd's memory every 20 ms while it runs; keeps the peaks.
class memory_watch {
 public:
  explicit memory_watch(pid_t pid) : pid_(pid), thread_([this] { run(); }) {}
  ~memory_watch() { stop(); }
  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }
  memory_sample peak() {
    std::lock_guard lock(mutex_);
    return peak_;
  }

 private:
  void run() {
    while (!stopping_) {
      const memory_sample m = memory_of(pid_);
      {
        std::lock_guard lock(mutex_);
        peak_.vm_rss = std::max(peak_.vm_rss, m.vm_rss);
        peak_.vm_hwm = std::max(peak_.vm_hwm, m.vm_hwm);
        peak_.rss_anon = std::max(peak_.rss_anon, m.rss_anon);
        peak_.rss_file = std::max(peak_.rss_file, m.rss_file);
      }
      std::this_thread::sleep_for(20ms);
    }
  }
  pid_t pid_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  memory_sample peak_;
  std::thread thread_;
};

inline std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// The well-behaved client: one connection, one small SEND at a time (a 64-byte message to
// `topic`), every 5 ms, each answer timed (an answer that never comes counts as the timeout).
class latency_probe {
 public:
  latency_probe(const std::string& endpoint, std::string topic)
      : client_(endpoint), topic_(std::move(topic)), thread_([this] { run(); }) {}
  ~latency_probe() { stop(); }

  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // Forget what was measured (the warm-up) and start again.
  void restart() {
    std::lock_guard lock(mutex_);
    latencies_.clear();
    ok_ = busy_ = other_ = lost_ = 0;
  }

  struct report {
    size_t requests = 0;
    double p50_ms = 0, p99_ms = 0, max_ms = 0;
    size_t ok = 0, busy = 0, other = 0, lost = 0;
  };
  report summary() {
    std::lock_guard lock(mutex_);
    report r;
    r.requests = latencies_.size();
    r.ok = ok_;
    r.busy = busy_;
    r.other = other_;
    r.lost = lost_;
    if (latencies_.empty()) return r;
    std::vector<double> sorted = latencies_;
    std::sort(sorted.begin(), sorted.end());
    const auto at = [&](double q) {
      return sorted[std::min(sorted.size() - 1, static_cast<size_t>(q * static_cast<double>(sorted.size())))];
    };
    r.p50_ms = at(0.50);
    r.p99_ms = at(0.99);
    r.max_ms = sorted.back();
    return r;
  }

 private:
  void run() {
    const std::string body(64, 'p');
    wire::message m;
    m.topic = topic_;
    m.queue_id = 0;
    m.body = bytes_of(body);
    while (!stopping_) {
      const auto began = std::chrono::steady_clock::now();
      const auto answer = client_.call(wire::code::send, m, max_bound() * 2);
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count();
      {
        std::lock_guard lock(mutex_);
        latencies_.push_back(ms);
        if (!answer) ++lost_;
        else if (header_of(*answer).status == wire::status::ok) ++ok_;
        else if (header_of(*answer).status == wire::status::busy) ++busy_;
        else ++other_;
      }
      if (!answer) return;  // the connection is gone or stuck: nothing more to learn
      std::this_thread::sleep_for(5ms);
    }
  }

  wire_client client_;
  std::string topic_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<double> latencies_;
  size_t ok_ = 0, busy_ = 0, other_ = 0, lost_ = 0;
  std::thread thread_;
};

inline double mib(int64_t kib) { return static_cast<double>(kib) / 1024.0; }

// One line per case, for the notes: memory (before / peak / after), the probe's latency.
inline void print_summary(const std::string& name, const memory_sample& before,
                          const memory_sample& peak, const memory_sample& after,
                          const latency_probe::report& r, const std::string& extra) {
  std::printf(
      "[overload] %s: RssAnon %.1f -> peak %.1f -> %.1f MiB, VmRSS peak %.1f MiB, VmHWM %.1f MiB; "
      "other client %zu requests p50 %.2f ms p99 %.2f ms max %.2f ms (ok %zu, busy %zu, other %zu, "
      "lost %zu); %s\n",
      name.c_str(), mib(before.rss_anon), mib(peak.rss_anon), mib(after.rss_anon),
      mib(peak.vm_rss), mib(std::max(peak.vm_hwm, after.vm_hwm)), r.requests, r.p50_ms, r.p99_ms,
      r.max_ms, r.ok, r.busy, r.other, r.lost, extra.c_str());
  std::fflush(stdout);
}

// `p99` defaults to p99_bound(); the flood case states its own (its other client's sends
// wait for an fdatasync of the disk the flood saturates).
inline void expect_latency_bounded(const latency_probe::report& r,
                                   std::chrono::milliseconds p99 = p99_bound()) {
  EXPECT_GT(r.requests, 20u) << "the other client was hardly served";
  EXPECT_EQ(r.lost, 0u) << "the other client waited " << max_bound().count() * 2
                        << " ms for an answer";
  EXPECT_LT(r.p99_ms, static_cast<double>(p99.count()));
  EXPECT_LT(r.max_ms, static_cast<double>(max_bound().count()));
}

// Raise this process's soft open-files limit (to `want`, or the hard limit if lower).
inline rlim_t set_open_files(rlim_t want) {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = std::min(want, limit.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &limit);
  return limit.rlim_cur;
}

}  // namespace berth::test
