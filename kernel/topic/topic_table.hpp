// topic_table: every topic this broker knows, name -> queues and perm, persisted in
// <data_dir>/config/topics.json (topic_file.hpp) on every change.
//
// Threads: find/names/size from any thread (network threads, concurrently); changes from any
// thread too, serialized among themselves. A change is written to disk before it becomes
// visible, and readers never wait for that write (only for the in-memory swap after it).
#pragma once

#include "topic/errc.hpp"
#include "topic/topic_file.hpp"
#include "topic/topic_rules.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace berth::kernel::topic {

// RocketMQ's autoCreateTopicEnable and defaultTopicQueueNums ([broker] auto_create_topics,
// default_queues).
struct auto_create_policy {
  bool enabled = true;
  std::uint32_t default_queues = 4;
};

enum class create_outcome : std::uint8_t {
  created,
  unchanged,  // it existed with the same settings: nothing was written
};

class topic_table;
using topic_table_ptr = std::unique_ptr<topic_table>;

class topic_table {
 public:
  // Load <data_dir>/config/topics.json (absent: no topics). A damaged file is an errc::io
  // error naming it. A temp file left by a crash during a write is removed.
  static topic_result<topic_table_ptr> open(const std::filesystem::path& data_dir,
                                            auto_create_policy auto_create = {});
  topic_table(const topic_table&) = delete;
  topic_table& operator=(const topic_table&) = delete;

  [[nodiscard]] std::optional<topic_settings> find(std::string_view name) const;
  // Every name, sorted.
  [[nodiscard]] std::vector<std::string> names() const;
  [[nodiscard]] std::size_t size() const;

  // Create a topic. The same name with the same settings again is `unchanged` (so admin
  // scripts may re-run); with other settings it is errc::exists. Invalid values are
  // errc::invalid_argument naming the field; a failed write errc::io (nothing changes).
  topic_result<create_outcome> create(std::string_view name, const topic_settings& settings);
  // Forget a topic (errc::no_topic when unknown). Only the metadata goes: the store keeps its
  // messages until retention removes them.
  topic_result<void> remove(std::string_view name);
  // The produce path's lookup: the topic's settings, creating it with default_queues and
  // default perm when it is unknown and auto-creation is on (errc::no_topic when it is off).
  topic_result<topic_settings> find_or_create(std::string_view name);
  // The broker's own topics (retry, dead letters, timers, transactions): the topic's settings,
  // creating it with `settings` when unknown, whatever the auto-creation policy.
  topic_result<topic_settings> ensure(std::string_view name, const topic_settings& settings);

  [[nodiscard]] const std::filesystem::path& file() const { return file_; }
  [[nodiscard]] const auto_create_policy& auto_create() const { return auto_create_; }

 private:
  topic_table(std::filesystem::path file, auto_create_policy auto_create, topic_map topics);
  // Write `next` and, once it is on disk, make it the table. Holding change_mutex_.
  topic_result<void> commit(topic_map next);

  const std::filesystem::path file_;
  const auto_create_policy auto_create_;
  std::mutex change_mutex_;            // one change (and one file write) at a time
  mutable std::shared_mutex mutex_;    // guards topics_; held briefly, never across I/O
  topic_map topics_;
};

}  // namespace berth::kernel::topic
