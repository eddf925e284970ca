#include "offset/offset_table.hpp"

#include "common/atomic_file.hpp"
#include "offset/offset_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace berth::kernel::offset {

std::filesystem::path offset_file_path(const std::filesystem::path& data_dir) {
  return data_dir / "config" / "offsets.json";
}

result<offset_table_ptr> offset_table::open(std::filesystem::path file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    return offset_table_ptr(new offset_table(std::move(file), {}));
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in || in.bad()) {
    return failure(BERTH_E_IO,
                   fmt::format("cannot read {}: {}", file.string(), std::strerror(errno)));
  }
  auto offsets = parse_offsets(text.str(), file.string());
  if (!offsets) return boost::outcome_v2::failure(std::move(offsets).error());
  return offset_table_ptr(new offset_table(std::move(file), std::move(offsets).value()));
}

offset_table::offset_table(std::filesystem::path file, offset_map offsets)
    : file_(std::move(file)), offsets_(std::move(offsets)) {}

bool offset_table::commit(std::string_view group, std::string_view topic, uint32_t queue,
                          uint64_t offset) {
  std::lock_guard lock(mutex_);
  auto it = offsets_.find(group);
  if (it == offsets_.end()) it = offsets_.emplace(std::string(group), queue_offsets{}).first;
  auto [slot, inserted] = it->second.try_emplace({std::string(topic), queue}, offset);
  if (!inserted && slot->second == offset) return false;
  slot->second = offset;
  ++changes_;
  return true;
}

std::optional<uint64_t> offset_table::find(std::string_view group, std::string_view topic,
                                           uint32_t queue) const {
  std::lock_guard lock(mutex_);
  const auto it = offsets_.find(group);
  if (it == offsets_.end()) return std::nullopt;
  const auto slot = it->second.find(std::pair<std::string, uint32_t>(topic, queue));
  if (slot == it->second.end()) return std::nullopt;
  return slot->second;
}

std::vector<std::string> offset_table::groups() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [group, queues] : offsets_) {
    if (!queues.empty()) out.push_back(group);
  }
  return out;
}

bool offset_table::has_group(std::string_view group) const {
  std::lock_guard lock(mutex_);
  const auto it = offsets_.find(group);
  return it != offsets_.end() && !it->second.empty();
}

queue_offsets offset_table::of_group(std::string_view group) const {
  std::lock_guard lock(mutex_);
  const auto it = offsets_.find(group);
  return it == offsets_.end() ? queue_offsets{} : it->second;
}

void offset_table::forget_topic(std::string_view topic) {
  std::lock_guard lock(mutex_);
  for (auto& [group, queues] : offsets_) {
    std::erase_if(queues, [&](const auto& entry) { return entry.first.first == topic; });
  }
  std::erase_if(offsets_, [](const auto& entry) { return entry.second.empty(); });
  ++changes_;
}

result<void> offset_table::save() {
  std::lock_guard one_at_a_time(save_mutex_);
  std::string text;
  uint64_t version = 0;
  {
    std::lock_guard lock(mutex_);
    if (changes_ == saved_) return success();
    text = format_offsets(offsets_);
    version = changes_;
  }
  BERTH_TRY(write_file_atomically(file_, text));
  std::lock_guard lock(mutex_);
  saved_ = version;
  return success();
}

}  // namespace berth::kernel::offset
