#include "admin/scrape_metrics.hpp"

#include "topic/topic_view.hpp"

#include <fmt/format.h>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <map>
#include <utility>
#include <vector>

namespace berth::kernel::admin {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily gauge_family(std::string name, std::string help) {
  return MetricFamily{std::move(name), std::move(help), MetricType::Gauge, {}};
}

void add_gauge(MetricFamily& family, double value, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = value;
  family.metric.push_back(std::move(m));
}

void add_group_lag(const broker_parts& parts, std::vector<MetricFamily>& out) {
  MetricFamily lag = gauge_family("berth_group_lag",
                                  "Messages a consumer group has yet to consume, by group and topic");
  for (const std::string& name : parts.groups->group_names()) {
    auto group = parts.groups->describe(name);
    if (!group || !group.value()) continue;  // the store could not say, or the group is gone
    std::map<std::string, uint64_t> by_topic;
    for (const group::queue_lag& q : group.value()->queues) by_topic[q.topic] += q.lag;
    for (const auto& [topic, behind] : by_topic) {
      add_gauge(lag, static_cast<double>(behind), {{"group", name}, {"topic", topic}});
    }
  }
  out.push_back(std::move(lag));
}

void add_topic_messages(const broker_parts& parts, std::vector<MetricFamily>& out) {
  MetricFamily kept = gauge_family("berth_topic_messages", "Messages kept, by topic");
  for (const std::string& name : parts.topics->names()) {
    auto t = topic::view_topic(*parts.topics, parts.store, name);
    if (!t || !t.value()) continue;
    add_gauge(kept, static_cast<double>(t.value()->messages()), {{"topic", name}});
  }
  out.push_back(std::move(kept));
}

void add_store(const broker_parts& parts, std::vector<MetricFamily>& out) {
  if (parts.store == nullptr) return;
  auto stats = parts.store->stats();
  if (!stats) return;
  const store::store_stats& s = stats.value();
  const std::pair<const char*, std::pair<const char*, double>> gauges[] = {
      {"berth_store_bytes_used", {"Disk (or memory) the store's data takes", double(s.bytes_used)}},
      {"berth_store_bytes_free",
       {"Space left on the store's file system (or under its memory bound)", double(s.bytes_free)}},
      {"berth_store_disk_full", {"1 while appends are refused for lack of space", double(s.disk_full != 0)}},
      {"berth_store_fenced", {"1 after an I/O error stopped appends for good", double(s.fenced != 0)}}};
  for (const auto& [name, what] : gauges) {
    MetricFamily family = gauge_family(name, what.first);
    add_gauge(family, what.second);
    out.push_back(std::move(family));
  }
}

}  // namespace

std::string scrape_metrics_text(const broker_parts* parts, bool ready) {
  std::vector<MetricFamily> families;
  MetricFamily up = gauge_family("berth_ready", "1 while the broker is ready (/readyz)");
  add_gauge(up, ready ? 1.0 : 0.0);
  families.push_back(std::move(up));
  MetricFamily build = gauge_family("berth_build_info", "The broker's version and plugin ABI");
  add_gauge(build, 1.0,
            {{"version", BERTH_VERSION}, {"abi", fmt::format("{}.{}", BERTH_ABI_MAJOR, BERTH_ABI_MINOR)}});
  families.push_back(std::move(build));
  if (parts != nullptr) {
    MetricFamily started = gauge_family("berth_start_time_seconds", "When the broker started, Unix time");
    add_gauge(started, std::chrono::duration<double>(parts->started_at.time_since_epoch()).count());
    families.push_back(std::move(started));
    add_store(*parts, families);
    add_topic_messages(*parts, families);
    add_group_lag(*parts, families);
  }
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace berth::kernel::admin
