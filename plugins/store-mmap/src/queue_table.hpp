// Every consume queue of the store, by (topic, queue id), under <root>/<topic>/<queue id>/.
// Queues are created by the dispatcher as records of new queues arrive; readers find them
// from any thread.
#pragma once

#include "consume_queue.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berth::store_mmap {

// Topic names the store accepts: RocketMQ's charset, which is also safe as a directory name.
[[nodiscard]] bool valid_topic(std::string_view topic) noexcept;

class queue_table {
 public:
  queue_table(std::filesystem::path root, uint64_t entries_per_file);

  // Open every queue found under the root. Returns the problems found (each names the path);
  // damaged queue files are cut, foreign entries are left alone and reported.
  std::vector<std::string> load();

  [[nodiscard]] std::shared_ptr<consume_queue> find(std::string_view topic, uint32_t queue_id) const;
  // The dispatcher's way in: the queue, created if new.
  consume_queue& find_or_create(std::string_view topic, uint32_t queue_id);
  void for_each(const std::function<void(consume_queue&)>& visit) const;
  [[nodiscard]] size_t size() const;
  // Delete every queue (the commit log is empty, so they point at nothing).
  void destroy_all();

 private:
  using key = std::pair<std::string, uint32_t>;
  struct key_less {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return std::pair<std::string_view, uint32_t>(a.first, a.second) <
             std::pair<std::string_view, uint32_t>(b.first, b.second);
    }
  };

  std::shared_ptr<consume_queue> open_queue(std::string_view topic, uint32_t queue_id) const;

  const std::filesystem::path root_;
  const uint64_t entries_per_file_;
  mutable std::shared_mutex mutex_;
  std::map<key, std::shared_ptr<consume_queue>, key_less> queues_;
};

}  // namespace berth::store_mmap
