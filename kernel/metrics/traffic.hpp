// traffic: the data path's message counters by topic and by consumer group, and the store's
// append latency, for /metrics. Each topic (and group and topic) gets its counters the first
// time it is seen; after that an update is a shared-lock lookup and two atomic adds, from any
// thread.
//
//   berth_topic_messages_in_total{topic}       messages stored by producers
//   berth_topic_bytes_in_total{topic}          their bodies' bytes
//   berth_group_messages_out_total{group,topic} messages handed to a group's consumers
//   berth_group_bytes_out_total{group,topic}    their bodies' bytes
//   berth_store_append_seconds                 a produce's append, from the call to the store's
//                                              acknowledgement (with flush = "sync": on disk)
#pragma once

#include "metrics/registry.hpp"

#include <berth/abi/berth_message.h>

#include <cstdint>
#include <map>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace berth::kernel::metrics {

class traffic {
 public:
  explicit traffic(registry& metrics);
  traffic(const traffic&) = delete;
  traffic& operator=(const traffic&) = delete;

  void produced(std::string_view topic, std::uint64_t messages, std::uint64_t bytes);
  void consumed(std::string_view group, std::string_view topic,
                std::span<const berth_message_view* const> messages);
  void append_latency(double seconds) noexcept;

 private:
  struct pair_ids {
    std::uint32_t messages = 0;
    std::uint32_t bytes = 0;
  };
  // The ids for `key`, registered under `names` with `labels` the first time.
  pair_ids ids_of(std::map<std::string, pair_ids, std::less<>>& table, const std::string& key,
                  const char* messages_name, const char* bytes_name, const char* what,
                  const prometheus::Labels& labels);

  registry& metrics_;
  std::shared_mutex mutex_;
  std::map<std::string, pair_ids, std::less<>> topics_;
  std::map<std::string, pair_ids, std::less<>> groups_;  // "group\ntopic"
  std::uint32_t append_latency_ = 0;
};

}  // namespace berth::kernel::metrics
