// The broker's metrics: one prometheus-cpp registry, plus a table of numbered handles so that
// plugins update metrics through the C ABI by id, lock-free, from any thread.
#pragma once

#include "common/result.hpp"

#include <prometheus/labels.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace berth::kernel::metrics {

enum class metric_type : std::uint8_t { counter, gauge, histogram };

class registry {
 public:
  static constexpr std::uint32_t max_metrics = 1u << 14;

  registry();
  ~registry();
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  // Register `name` (a Prometheus metric name) with `labels`; the same name and labels again
  // give the same id. A name already registered with another type, or an invalid name, fails.
  result<std::uint32_t> add(metric_type type, const std::string& name, const std::string& help,
                            const prometheus::Labels& labels);

  // Updates by id: any thread, unknown ids ignored, counters ignore negative deltas.
  void add(std::uint32_t id, std::int64_t delta) noexcept;
  void set(std::uint32_t id, std::int64_t value) noexcept;
  void observe(std::uint32_t id, double value) noexcept;

  // Prometheus text exposition of everything registered.
  [[nodiscard]] std::string serialize() const;
  [[nodiscard]] std::shared_ptr<prometheus::Registry> prometheus_registry() const { return registry_; }

 private:
  struct entry;
  entry* lookup(std::uint32_t id) const noexcept;

  std::shared_ptr<prometheus::Registry> registry_;
  std::mutex mutex_;  // registration only
  std::map<std::string, metric_type> types_;
  std::map<std::string, void*> families_;
  std::map<std::string, std::uint32_t> ids_;  // name + labels -> id
  std::unique_ptr<std::array<std::atomic<entry*>, max_metrics>> entries_;
  std::atomic<std::uint32_t> count_{0};
};

}  // namespace berth::kernel::metrics
