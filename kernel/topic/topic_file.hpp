// <data_dir>/config/topics.json: every topic's settings, read at start and rewritten whole on
// every change. The write is atomic (a temp file, fsync, rename, fsync of the directory), so
// a crash leaves the old file or the new one, never a mix.
//
//   {"version": 1, "topics": {"orders": {"queues": 8, "perm": 6}}}
#pragma once

#include "topic/errc.hpp"
#include "topic/topic_rules.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <string>

namespace berth::kernel::topic {

using topic_map = std::map<std::string, topic_settings, std::less<>>;

// The format this berthd writes and reads; a file of another version is refused.
inline constexpr int topic_file_version = 1;

// The file under `data_dir`.
std::filesystem::path topic_file_path(const std::filesystem::path& data_dir);

// No file: no topics. A file that does not parse, has another version or holds an invalid
// topic is an error naming the file (errc::io): consumers' offsets refer to topics, so
// starting empty would silently orphan them.
topic_result<topic_map> load_topic_file(const std::filesystem::path& file);

// Replace the file with `topics`, atomically; creates the directory when missing.
topic_result<void> save_topic_file(const std::filesystem::path& file, const topic_map& topics);

}  // namespace berth::kernel::topic
