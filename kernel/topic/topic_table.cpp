#include "topic/topic_table.hpp"

#include "log/logger.hpp"

#include <system_error>

namespace berth::kernel::topic {
namespace {

log::logger_ptr logger() { return log::module("topic"); }

}  // namespace

topic_table::topic_table(std::filesystem::path file, auto_create_policy auto_create,
                         topic_map topics)
    : file_(std::move(file)), auto_create_(auto_create), topics_(std::move(topics)) {}

topic_result<topic_table_ptr> topic_table::open(const std::filesystem::path& data_dir,
                                                auto_create_policy auto_create) {
  std::filesystem::path file = topic_file_path(data_dir);
  std::filesystem::path tmp = file;
  tmp += ".tmp";
  std::error_code ignored;
  std::filesystem::remove(tmp, ignored);  // never renamed: the write it belonged to failed
  auto loaded = load_topic_file(file);
  if (!loaded) return boost::outcome_v2::failure(std::move(loaded).error());
  return topic_table_ptr(
      new topic_table(std::move(file), auto_create, std::move(loaded).value()));
}

std::optional<topic_settings> topic_table::find(std::string_view name) const {
  std::shared_lock lock(mutex_);
  const auto it = topics_.find(name);
  if (it == topics_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> topic_table::names() const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> out;
  out.reserve(topics_.size());
  for (const auto& entry : topics_) out.push_back(entry.first);
  return out;  // sorted: topics_ is an ordered map
}

std::size_t topic_table::size() const {
  std::shared_lock lock(mutex_);
  return topics_.size();
}

topic_result<create_outcome> topic_table::create(std::string_view name,
                                                 const topic_settings& settings) {
  if (std::string problem = topic_problem(name, settings); !problem.empty()) {
    return topic_failure(errc::invalid_argument, std::move(problem));
  }
  std::lock_guard change(change_mutex_);
  // Only changes write topics_, and they hold change_mutex_: reading it here needs no lock.
  if (const auto it = topics_.find(name); it != topics_.end()) {
    if (it->second == settings) return create_outcome::unchanged;
    return topic_failure(errc::exists, "topic '" + std::string(name) + "' exists with " +
                                           describe(it->second) + ", not " +
                                           describe(settings));
  }
  topic_map next = topics_;
  next.emplace(std::string(name), settings);
  BERTH_TRY(commit(std::move(next)));
  logger()->info("topic '{}' created: {}", name, describe(settings));
  return create_outcome::created;
}

topic_result<void> topic_table::remove(std::string_view name) {
  std::lock_guard change(change_mutex_);
  const auto it = topics_.find(name);
  if (it == topics_.end()) {
    return topic_failure(errc::no_topic, "topic '" + std::string(name) + "' does not exist");
  }
  topic_map next = topics_;
  next.erase(std::string(name));
  BERTH_TRY(commit(std::move(next)));
  logger()->info("topic '{}' deleted (its stored messages stay until retention)", name);
  return success();
}

topic_result<topic_settings> topic_table::find_or_create(std::string_view name) {
  if (auto found = find(name)) return *found;
  if (!auto_create_.enabled) {
    return topic_failure(errc::no_topic, "topic '" + std::string(name) +
                                             "' does not exist (auto_create_topics is off)");
  }
  return ensure(name, topic_settings{auto_create_.default_queues, wire::default_perm});
}

topic_result<topic_settings> topic_table::ensure(std::string_view name,
                                                 const topic_settings& settings) {
  if (auto found = find(name)) return *found;
  auto made = create(name, settings);
  if (made) return settings;
  // Another thread created it first, maybe by TOPIC_CREATE with other settings: use theirs.
  if (made.error().code == errc::exists) {
    if (auto found = find(name)) return *found;
  }
  return boost::outcome_v2::failure(std::move(made).error());
}

topic_result<void> topic_table::commit(topic_map next) {
  BERTH_TRY(save_topic_file(file_, next));
  std::unique_lock lock(mutex_);
  topics_.swap(next);
  return success();
}

}  // namespace berth::kernel::topic
