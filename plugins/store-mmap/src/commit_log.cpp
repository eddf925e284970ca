#include "commit_log.hpp"

#include <berth/plugin/error.hpp>

#include <algorithm>
#include <cstring>

namespace berth::store_mmap {
namespace {

[[noreturn]] void fail(berth_status status, const std::string& message) {
  throw sdk::plugin_error(status, message);
}

uint32_t first_word(const mapped_file& file) noexcept {
  uint32_t word = 0;
  std::memcpy(&word, file.data(), std::min<uint64_t>(sizeof word, file.size()));
  return word;
}

}  // namespace

commit_log::commit_log(options opts) : opts_(std::move(opts)) {
  if (opts_.segment_size < min_segment_size) {
    fail(BERTH_E_INVALID, "commit log " + opts_.dir.string() + ": segment size " +
                              std::to_string(opts_.segment_size) + " is below the minimum " +
                              std::to_string(min_segment_size));
  }
  load_segments();
}

commit_log::~commit_log() = default;

std::filesystem::path commit_log::segment_path(uint64_t start) const {
  return opts_.dir / offset_file_name(start);
}

void commit_log::load_segments() {
  namespace fs = std::filesystem;
  const std::string where = "commit log " + opts_.dir.string();
  std::error_code ec;
  fs::create_directories(opts_.dir, ec);
  if (ec) fail(BERTH_E_IO, where + ": cannot create: " + ec.message());
  (void)remove_interrupted_creations(opts_.dir);

  std::vector<uint64_t> starts;
  fs::directory_iterator it(opts_.dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const std::optional<uint64_t> start = parse_offset_file_name(name);
    // Foreign files are refused, not ignored: a stray copy or a wrong --data-dir shows up now
    // rather than as a puzzling gap later.
    if (!start || !it->is_regular_file()) {
      fail(BERTH_E_IO, where + ": foreign file " + name +
                           " (only segments named by a 20-digit offset belong here)");
    }
    if (*start % opts_.segment_size != 0) {
      fail(BERTH_E_IO, where + ": segment " + name + " does not start at a multiple of the " +
                           "segment size " + std::to_string(opts_.segment_size));
    }
    starts.push_back(*start);
  }
  if (ec) fail(BERTH_E_IO, where + ": cannot list: " + ec.message());

  std::sort(starts.begin(), starts.end());
  for (size_t i = 1; i < starts.size(); ++i) {
    if (starts[i] != starts[i - 1] + opts_.segment_size) {
      fail(BERTH_E_IO, where + ": gap between segments " + offset_file_name(starts[i - 1]) +
                           " and " + offset_file_name(starts[i]) + " (missing " +
                           offset_file_name(starts[i - 1] + opts_.segment_size) + ")");
    }
  }
  for (const uint64_t start : starts) {
    segments_.push_back({start, mapped_file::open(segment_path(start), opts_.segment_size)});
  }
  if (!segments_.empty()) {
    // Nothing is readable or writable until recover() found the end.
    needs_recovery_ = true;
    write_offset_.store(segments_.front().start, std::memory_order_release);
    durable_offset_.store(segments_.front().start, std::memory_order_release);
  }
}

const commit_log::segment* commit_log::find_locked(uint64_t offset) const noexcept {
  if (segments_.empty() || offset < segments_.front().start) return nullptr;
  const uint64_t index = (offset - segments_.front().start) / opts_.segment_size;
  if (index >= segments_.size()) return nullptr;
  return &segments_[static_cast<size_t>(index)];
}

mapped_file_ptr commit_log::add_segment(uint64_t start) {
  std::lock_guard next_lock(next_mutex_);
  mapped_file_ptr file;
  if (next_ != nullptr && next_start_ == start) {
    file = std::move(next_);
  } else {
    if (next_ != nullptr) {  // made for another start: cannot be used any more
      next_->remove_on_close();
      next_.reset();
    }
    file = mapped_file::create(segment_path(start), opts_.segment_size);
  }
  file->advise_sequential();
  std::unique_lock lock(segments_mutex_);
  if (!segments_.empty() && segments_.back().start + opts_.segment_size != start) {
    file->remove_on_close();
    fail(BERTH_E_INTERNAL, "commit log " + opts_.dir.string() + ": new segment " +
                               offset_file_name(start) + " does not follow " +
                               offset_file_name(segments_.back().start));
  }
  segments_.push_back({start, file});
  return file;
}

log_recovery commit_log::recover(uint64_t from,
                                 const std::function<void(const decoded_record&)>& on_record) {
  log_recovery result;
  std::vector<segment> list;
  {
    std::shared_lock lock(segments_mutex_);
    list.assign(segments_.begin(), segments_.end());
  }
  const uint64_t seg_size = opts_.segment_size;
  if (list.empty()) {
    result.scanned_from = result.end_offset = write_offset_.load(std::memory_order_relaxed);
    needs_recovery_ = false;
    return result;
  }
  const uint64_t last_end = list.back().start + seg_size;
  from = std::clamp(from, list.front().start, last_end);
  result.scanned_from = from;
  size_t index = static_cast<size_t>((from - list.front().start) / seg_size);
  uint64_t pos = index < list.size() ? from - list[index].start : 0;
  const size_t first_scanned = index;

  // Walk records until zeros, a marker with no segment after it, or the first bad record.
  std::string cut;
  while (index < list.size()) {
    const segment& s = list[index];
    const decode_result d = decode(s.file->bytes().subspan(pos), s.start + pos, true);
    if (d.status == decode_status::end) break;
    if (d.status == decode_status::corrupt) {
      cut = d.reason;
      break;
    }
    if (d.status == decode_status::blank) {
      if (d.size != seg_size - pos) {
        cut = "end-of-segment marker at log offset " + std::to_string(s.start + pos) + " says " +
              std::to_string(d.size) + " bytes remain, but " + std::to_string(seg_size - pos) +
              " do";
        break;
      }
      ++index;
      pos = 0;
      continue;
    }
    // The writer always leaves room for the marker; a record that does not was not ours.
    if (pos + d.size + blank_size > seg_size) {
      cut = "record at log offset " + std::to_string(s.start + pos) + ": its " +
            std::to_string(d.size) + " bytes leave no room for the end-of-segment marker";
      break;
    }
    on_record(d.record);
    ++result.records;
    result.last_store_time_ms = d.record.store_time_ms;
    pos += d.size;
  }

  const uint64_t end = index < list.size() ? list[index].start + pos : last_end;
  result.end_offset = end;
  if (!cut.empty()) {
    result.cut_offset = end;
    result.cut_reason = list[index].file->path().string() + " at position " +
                        std::to_string(pos) + ": " + cut;
  }
  // Everything scanned becomes durable before the caller re-dispatches it (a crashed process
  // may have left it in the page cache only).
  for (size_t i = first_scanned; i < std::min(index, list.size()); ++i) {
    list[i].file->sync(0, seg_size);
  }
  if (index < list.size()) {
    // Wipe the rest of the end segment even after a clean end: bytes of an older, longer
    // write there could otherwise line up with a later record's end and read as valid.
    list[index].file->zero_from(pos);
    if (!cut.empty()) result.bytes_cut += seg_size - pos;
    std::vector<segment> later(list.begin() + static_cast<std::ptrdiff_t>(index) + 1, list.end());
    list.resize(index + 1);
    drop_after_end(list[index], std::move(later), result);
  }

  {
    std::unique_lock lock(segments_mutex_);
    segments_.assign(list.begin(), list.end());
  }
  write_segment_ = index < list.size() ? list[index].file : nullptr;
  write_segment_start_ = index < list.size() ? list[index].start : end;
  needs_recovery_ = false;
  durable_offset_.store(end, std::memory_order_release);
  write_offset_.store(end, std::memory_order_release);
  return result;
}

void commit_log::drop_after_end(const segment& end_segment, std::vector<segment> later,
                                log_recovery& result) {
  if (later.empty()) return;
  const bool cut = !result.cut_reason.empty();
  // One empty segment after a clean end is the one preallocate_next() made: keep it for the
  // roll (zeroed whole, since only its first word was looked at).
  if (!cut && later.size() == 1 && first_word(*later.front().file) == 0) {
    later.front().file->zero_from(0);
    std::lock_guard next_lock(next_mutex_);
    next_ = later.front().file;
    next_start_ = later.front().start;
    return;
  }
  if (!cut) {
    result.cut_offset = result.end_offset;
    result.cut_reason = end_segment.file->path().string() + " at position " +
                        std::to_string(result.end_offset - end_segment.start) +
                        ": the log ends at log offset " + std::to_string(result.end_offset) +
                        ", but later segment " + later.front().file->path().string() +
                        " holds data";
  }
  for (segment& s : later) {
    // Unlink now rather than on close: the name may be made again by the next roll.
    std::error_code ec;
    std::filesystem::remove(s.file->path(), ec);
    if (ec) {
      fail(BERTH_E_IO, "commit log: cannot remove " + s.file->path().string() + ": " +
                           ec.message());
    }
    result.removed_files.push_back(s.file->path().string());
    result.bytes_cut += opts_.segment_size;
  }
  sync_directory(opts_.dir);
}

uint64_t commit_log::append(size_t size,
                            const std::function<void(std::span<uint8_t>, uint64_t)>& write) {
  const uint64_t seg_size = opts_.segment_size;
  if (needs_recovery_) {
    fail(BERTH_E_INTERNAL, "commit log " + opts_.dir.string() + ": append before recover()");
  }
  if (size == 0 || size > seg_size - blank_size) {
    fail(BERTH_E_INVALID, "record of " + std::to_string(size) + " bytes does not fit a " +
                              "commit-log segment of " + std::to_string(seg_size) + " bytes");
  }
  uint64_t offset = write_offset_.load(std::memory_order_relaxed);  // only we store it
  if (write_segment_ == nullptr || offset >= write_segment_start_ + seg_size) {
    write_segment_ = add_segment(offset);  // the first segment, or after a marker at the end
    write_segment_start_ = offset;
  }
  uint64_t pos = offset - write_segment_start_;
  if (pos + size + blank_size > seg_size) {
    // The next segment first: if it cannot be made, nothing was written.
    const uint64_t next = write_segment_start_ + seg_size;
    mapped_file_ptr file = add_segment(next);
    encode_blank(static_cast<uint32_t>(seg_size - pos), write_segment_->bytes().subspan(pos));
    write_segment_ = std::move(file);
    write_segment_start_ = next;
    // The marker is whole: readers may follow it now, whatever happens to the record.
    write_offset_.store(next, std::memory_order_release);
    offset = next;
    pos = 0;
  }
  const std::span<uint8_t> out = write_segment_->bytes().subspan(pos, size);
  try {
    write(out, offset);
  } catch (...) {
    std::memset(out.data(), 0, out.size());  // leave no half record behind the end
    throw;
  }
  write_offset_.store(offset + size, std::memory_order_release);
  return offset;
}

uint64_t commit_log::write_offset() const noexcept {
  return write_offset_.load(std::memory_order_acquire);
}

uint64_t commit_log::min_offset() const {
  std::shared_lock lock(segments_mutex_);
  return segments_.empty() ? write_offset() : segments_.front().start;
}

pinned_bytes commit_log::tail_at(uint64_t offset) const {
  const uint64_t end = write_offset();
  if (offset >= end) return {};
  std::shared_lock lock(segments_mutex_);
  const segment* s = find_locked(offset);
  if (s == nullptr) return {};
  const uint64_t pos = offset - s->start;
  const uint64_t limit = std::min(opts_.segment_size, end - s->start);
  return {s->file, {s->file->data() + pos, static_cast<size_t>(limit - pos)}};
}

pinned_bytes commit_log::at(uint64_t offset, uint32_t size) const {
  const uint64_t end = write_offset();
  if (size == 0 || offset >= end || end - offset < size) return {};
  std::shared_lock lock(segments_mutex_);
  const segment* s = find_locked(offset);
  if (s == nullptr) return {};
  const uint64_t pos = offset - s->start;
  if (opts_.segment_size - pos < size) return {};  // would cross into the next segment
  return {s->file, {s->file->data() + pos, size}};
}

uint64_t commit_log::next_segment_start(uint64_t offset) const noexcept {
  return offset - offset % opts_.segment_size + opts_.segment_size;
}

uint64_t commit_log::flush(uint64_t up_to) {
  std::lock_guard flush_lock(flush_mutex_);
  up_to = std::min(up_to, write_offset());
  const uint64_t durable = durable_offset_.load(std::memory_order_relaxed);
  if (up_to <= durable) return durable;
  std::vector<segment> dirty;
  {
    std::shared_lock lock(segments_mutex_);
    for (const segment& s : segments_) {
      if (s.start + opts_.segment_size > durable && s.start < up_to) dirty.push_back(s);
    }
  }
  for (const segment& s : dirty) {
    s.file->sync(std::max(durable, s.start) - s.start,
                 std::min(up_to, s.start + opts_.segment_size) - s.start);
  }
  durable_offset_.store(up_to, std::memory_order_release);
  return up_to;
}

uint64_t commit_log::durable_offset() const noexcept {
  return durable_offset_.load(std::memory_order_acquire);
}

std::vector<commit_log::segment_info> commit_log::segments() const {
  std::shared_lock lock(segments_mutex_);
  std::vector<segment_info> out;
  out.reserve(segments_.size());
  for (const segment& s : segments_) out.push_back({s.start, s.file->modified_ms(), s.file->path()});
  return out;
}

uint64_t commit_log::remove_oldest() {
  std::unique_lock lock(segments_mutex_);
  if (segments_.size() < 2) return 0;  // the last segment is always the one being written
  const segment& oldest = segments_.front();
  if (oldest.start + opts_.segment_size > write_offset()) return 0;  // still being written
  // Readers holding it keep it mapped; the file goes when the last of them lets go.
  oldest.file->remove_on_close();
  segments_.pop_front();
  return opts_.segment_size;
}

void commit_log::preallocate_next() {
  std::lock_guard next_lock(next_mutex_);
  if (needs_recovery_) return;  // the end is not known yet
  uint64_t target = 0;
  {
    std::shared_lock lock(segments_mutex_);
    if (!segments_.empty()) {
      target = segments_.back().start + opts_.segment_size;
    } else {
      const uint64_t end = write_offset();  // no segment yet: the first one is next
      target = end % opts_.segment_size == 0 ? end : next_segment_start(end);
    }
  }
  if (next_ != nullptr && next_start_ == target) return;
  if (next_ != nullptr) {
    next_->remove_on_close();
    next_.reset();
  }
  next_ = mapped_file::create(segment_path(target), opts_.segment_size);
  next_start_ = target;
}

}  // namespace berth::store_mmap
