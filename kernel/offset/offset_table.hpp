// Committed consume offsets: for each (group, topic, queue), the offset of the next message
// the group has not consumed. Kept in memory, changed by commits and resets, written to
// <data_dir>/config/offsets.json by save() (the broker calls it every second when
// something changed, and at stop), and read back by open().
#pragma once

#include "common/result.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace berth::kernel::offset {

// (topic, queue) → committed offset, for one group.
using queue_offsets = std::map<std::pair<std::string, uint32_t>, uint64_t, std::less<>>;
// group → its offsets.
using offset_map = std::map<std::string, queue_offsets, std::less<>>;

class offset_table;
using offset_table_ptr = std::unique_ptr<offset_table>;

class offset_table {
 public:
  // Read `file` (no file: no offsets). A file that does not parse is an error naming it:
  // starting empty would make every group re-consume from its start policy.
  static result<offset_table_ptr> open(std::filesystem::path file);
  offset_table(const offset_table&) = delete;
  offset_table& operator=(const offset_table&) = delete;

  // True when the offset changed (the caller may report it; an equal commit is not news).
  bool commit(std::string_view group, std::string_view topic, uint32_t queue, uint64_t offset);
  [[nodiscard]] std::optional<uint64_t> find(std::string_view group, std::string_view topic,
                                             uint32_t queue) const;
  // Every group with at least one committed offset.
  [[nodiscard]] std::vector<std::string> groups() const;
  [[nodiscard]] bool has_group(std::string_view group) const;
  // The group's offsets (empty when it has none).
  [[nodiscard]] queue_offsets of_group(std::string_view group) const;
  // Forget every offset of `topic` (the topic was deleted).
  void forget_topic(std::string_view topic);

  // Write the table when it changed since the last save; atomic (see common/atomic_file.hpp).
  result<void> save();
  [[nodiscard]] const std::filesystem::path& file() const { return file_; }

 private:
  offset_table(std::filesystem::path file, offset_map offsets);

  std::filesystem::path file_;
  mutable std::mutex mutex_;
  offset_map offsets_;
  uint64_t changes_ = 0;  // bumped by every change
  uint64_t saved_ = 0;    // changes_ as of the last successful save
  std::mutex save_mutex_;  // one save at a time, so that files are written in order
};

// The file under `data_dir`.
std::filesystem::path offset_file_path(const std::filesystem::path& data_dir);

}  // namespace berth::kernel::offset
