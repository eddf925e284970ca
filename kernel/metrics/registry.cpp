#include "metrics/registry.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/text_serializer.h>

#include <regex>

namespace berth::kernel::metrics {

struct registry::entry {
  metric_type type;
  prometheus::Counter* counter = nullptr;
  prometheus::Gauge* gauge = nullptr;
  prometheus::Histogram* histogram = nullptr;
};

namespace {

bool valid_name(const std::string& name) {
  static const std::regex pattern("[a-zA-Z_:][a-zA-Z0-9_:]*");
  return std::regex_match(name, pattern);
}

std::string key_of(const std::string& name, const prometheus::Labels& labels) {
  std::string key = name;
  for (const auto& [k, v] : labels) key += "\x1f" + k + "=" + v;
  return key;
}

// Buckets in seconds, from 50 microseconds to 10 seconds: latency is what plugins observe.
const prometheus::Histogram::BucketBoundaries& default_buckets() {
  static const prometheus::Histogram::BucketBoundaries buckets{
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.025,   0.05,   0.1,     0.25,   0.5,   1.0,    2.5,   5.0, 10.0};
  return buckets;
}

}  // namespace

registry::registry()
    : registry_(std::make_shared<prometheus::Registry>()),
      entries_(std::make_unique<std::array<std::atomic<entry*>, max_metrics>>()) {
  for (auto& e : *entries_) e.store(nullptr, std::memory_order_relaxed);
}

registry::~registry() {
  for (auto& e : *entries_) delete e.load();
}

result<std::uint32_t> registry::add(metric_type type, const std::string& name,
                                    const std::string& help, const prometheus::Labels& labels) {
  if (!valid_name(name)) return failure(BERTH_E_INVALID, "invalid metric name '" + name + "'");
  std::lock_guard lock(mutex_);
  const auto known = types_.find(name);
  if (known != types_.end() && known->second != type) {
    return failure(BERTH_E_INVALID, "metric '" + name + "' is already registered with another type");
  }
  const std::string key = key_of(name, labels);
  if (auto it = ids_.find(key); it != ids_.end()) return it->second;
  const std::uint32_t index = count_.load();
  if (index >= max_metrics) return failure(BERTH_E_FULL, "too many metrics");

  auto made = std::make_unique<entry>();
  made->type = type;
  switch (type) {
    case metric_type::counter: {
      auto*& family = families_[name];
      if (family == nullptr) family = &prometheus::BuildCounter().Name(name).Help(help).Register(*registry_);
      made->counter = &static_cast<prometheus::Family<prometheus::Counter>*>(family)->Add(labels);
      break;
    }
    case metric_type::gauge: {
      auto*& family = families_[name];
      if (family == nullptr) family = &prometheus::BuildGauge().Name(name).Help(help).Register(*registry_);
      made->gauge = &static_cast<prometheus::Family<prometheus::Gauge>*>(family)->Add(labels);
      break;
    }
    case metric_type::histogram: {
      auto*& family = families_[name];
      if (family == nullptr) family = &prometheus::BuildHistogram().Name(name).Help(help).Register(*registry_);
      made->histogram = &static_cast<prometheus::Family<prometheus::Histogram>*>(family)->Add(
          labels, default_buckets());
      break;
    }
  }
  types_.emplace(name, type);
  (*entries_)[index].store(made.release(), std::memory_order_release);
  count_.store(index + 1, std::memory_order_release);
  const std::uint32_t id = index + 1;  // 0 is never a valid id
  ids_.emplace(key, id);
  return id;
}

registry::entry* registry::lookup(std::uint32_t id) const noexcept {
  if (id == 0 || id > max_metrics) return nullptr;
  return (*entries_)[id - 1].load(std::memory_order_acquire);
}

void registry::add(std::uint32_t id, std::int64_t delta) noexcept {
  entry* e = lookup(id);
  if (e == nullptr) return;
  if (e->counter != nullptr && delta > 0) e->counter->Increment(static_cast<double>(delta));
  if (e->gauge != nullptr) e->gauge->Increment(static_cast<double>(delta));
}

void registry::set(std::uint32_t id, std::int64_t value) noexcept {
  entry* e = lookup(id);
  if (e != nullptr && e->gauge != nullptr) e->gauge->Set(static_cast<double>(value));
}

void registry::observe(std::uint32_t id, double value) noexcept {
  entry* e = lookup(id);
  if (e != nullptr && e->histogram != nullptr) e->histogram->Observe(value);
}

std::string registry::serialize() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace berth::kernel::metrics
