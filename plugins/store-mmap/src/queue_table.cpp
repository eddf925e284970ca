#include "queue_table.hpp"

#include <charconv>
#include <mutex>
#include <system_error>

namespace berth::store_mmap {

bool valid_topic(std::string_view topic) noexcept {
  if (topic.empty() || topic.size() > 255) return false;
  for (const char c : topic) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '%' || c == '_' || c == '|' || c == '-';
    if (!ok) return false;
  }
  return true;
}

namespace {

std::optional<uint32_t> parse_queue_id(std::string_view name) {
  uint32_t id = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
  if (ec != std::errc{} || end != name.data() + name.size()) return std::nullopt;
  if (name.size() > 1 && name.front() == '0') return std::nullopt;
  return id;
}

}  // namespace

queue_table::queue_table(std::filesystem::path root, uint64_t entries_per_file)
    : root_(std::move(root)), entries_per_file_(entries_per_file) {}

std::shared_ptr<consume_queue> queue_table::open_queue(std::string_view topic,
                                                       uint32_t queue_id) const {
  return std::make_shared<consume_queue>(root_ / std::string(topic) / std::to_string(queue_id),
                                         std::string(topic), queue_id, entries_per_file_);
}

std::vector<std::string> queue_table::load() {
  std::vector<std::string> problems;
  std::error_code ec;
  std::filesystem::create_directories(root_, ec);
  for (const auto& topic_dir : std::filesystem::directory_iterator(root_)) {
    const std::string topic = topic_dir.path().filename().string();
    if (!topic_dir.is_directory() || !valid_topic(topic)) {
      problems.push_back(topic_dir.path().string() + ": not a consume-queue topic directory; ignored");
      continue;
    }
    for (const auto& queue_dir : std::filesystem::directory_iterator(topic_dir.path())) {
      const std::optional<uint32_t> id = parse_queue_id(queue_dir.path().filename().string());
      if (!queue_dir.is_directory() || !id) {
        problems.push_back(queue_dir.path().string() + ": not a queue directory; ignored");
        continue;
      }
      std::shared_ptr<consume_queue> queue = open_queue(topic, *id);
      queue_load_report report = queue->load();
      for (std::string& p : report.problems) problems.push_back(std::move(p));
      std::unique_lock lock(mutex_);
      queues_.emplace(key{topic, *id}, std::move(queue));
    }
  }
  return problems;
}

std::shared_ptr<consume_queue> queue_table::find(std::string_view topic, uint32_t queue_id) const {
  std::shared_lock lock(mutex_);
  const auto it = queues_.find(std::pair<std::string_view, uint32_t>(topic, queue_id));
  return it == queues_.end() ? nullptr : it->second;
}

consume_queue& queue_table::find_or_create(std::string_view topic, uint32_t queue_id) {
  if (std::shared_ptr<consume_queue> found = find(topic, queue_id)) return *found;
  std::shared_ptr<consume_queue> queue = open_queue(topic, queue_id);
  (void)queue->load();
  std::unique_lock lock(mutex_);
  const auto [it, added] = queues_.emplace(key{std::string(topic), queue_id}, std::move(queue));
  return *it->second;
}

void queue_table::for_each(const std::function<void(consume_queue&)>& visit) const {
  std::vector<std::shared_ptr<consume_queue>> all;
  {
    std::shared_lock lock(mutex_);
    for (const auto& [k, q] : queues_) all.push_back(q);
  }
  for (const auto& q : all) visit(*q);
}

size_t queue_table::size() const {
  std::shared_lock lock(mutex_);
  return queues_.size();
}

void queue_table::destroy_all() {
  std::unique_lock lock(mutex_);
  for (auto& [k, q] : queues_) q->destroy();
  queues_.clear();
}

}  // namespace berth::store_mmap
