#include "metrics/traffic.hpp"

#include <mutex>

namespace berth::kernel::metrics {

traffic::traffic(registry& metrics) : metrics_(metrics) {
  append_latency_ =
      metrics_
          .add(metric_type::histogram, "berth_store_append_seconds",
               "A produce's store append, from the call to the acknowledgement (on disk with "
               "flush = \"sync\")",
               {})
          .value();
}

traffic::pair_ids traffic::ids_of(std::map<std::string, pair_ids, std::less<>>& table,
                                  const std::string& key, const char* messages_name,
                                  const char* bytes_name, const char* what,
                                  const prometheus::Labels& labels) {
  {
    const std::shared_lock lock(mutex_);
    if (const auto it = table.find(key); it != table.end()) return it->second;
  }
  const std::unique_lock lock(mutex_);
  if (const auto it = table.find(key); it != table.end()) return it->second;
  // A full registry (max_metrics) leaves the ids 0, which updates ignore.
  const auto id_of = [&](const char* name, const std::string& help) -> std::uint32_t {
    auto added = metrics_.add(metric_type::counter, name, help, labels);
    return added ? added.value() : 0;
  };
  pair_ids ids;
  ids.messages = id_of(messages_name, std::string("Messages ") + what);
  ids.bytes = id_of(bytes_name, std::string("Body bytes of the messages ") + what);
  table.emplace(key, ids);
  return ids;
}

void traffic::produced(std::string_view topic, std::uint64_t messages, std::uint64_t bytes) {
  const std::string key(topic);
  const pair_ids ids = ids_of(topics_, key, "berth_topic_messages_in_total",
                              "berth_topic_bytes_in_total", "stored by producers, by topic",
                              {{"topic", key}});
  metrics_.add(ids.messages, static_cast<std::int64_t>(messages));
  metrics_.add(ids.bytes, static_cast<std::int64_t>(bytes));
}

void traffic::consumed(std::string_view group, std::string_view topic,
                       std::span<const berth_message_view* const> messages) {
  if (messages.empty()) return;
  std::string key;
  key.reserve(group.size() + topic.size() + 1);
  key.append(group).push_back('\n');
  key.append(topic);
  const pair_ids ids = ids_of(groups_, key, "berth_group_messages_out_total",
                              "berth_group_bytes_out_total",
                              "handed to a consumer group's consumers, by group and topic",
                              {{"group", std::string(group)}, {"topic", std::string(topic)}});
  std::uint64_t bytes = 0;
  for (const berth_message_view* m : messages) bytes += m->body.len;
  metrics_.add(ids.messages, static_cast<std::int64_t>(messages.size()));
  metrics_.add(ids.bytes, static_cast<std::int64_t>(bytes));
}

void traffic::append_latency(double seconds) noexcept { metrics_.observe(append_latency_, seconds); }

}  // namespace berth::kernel::metrics
