#include "consume_queue.hpp"

#include "byte_fields.hpp"
#include "crc32c.hpp"

#include <berth/plugin/error.hpp>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <system_error>
#include <utility>

namespace berth::store_mmap {
namespace {

namespace fs = std::filesystem;

constexpr size_t at_log_offset = 0;
constexpr size_t at_size = 8;
constexpr size_t at_crc = 12;
constexpr size_t at_tag_hash = 16;
constexpr size_t at_store_time = 24;
static_assert(at_store_time + 8 == consume_queue_entry_size);

// Files older than the last few were complete and flushed long ago; load() checks every
// entry of the newest ones only (and the last entry of the others), so opening a long queue
// does not read all of it.
constexpr size_t fully_checked_files = 3;

uint32_t entry_crc(const uint8_t* e) noexcept {
  return crc32c(e + at_tag_hash, consume_queue_entry_size - at_tag_hash, crc32c(e, at_crc));
}

bool all_zero(const uint8_t* e) noexcept {
  return std::all_of(e, e + consume_queue_entry_size, [](uint8_t b) { return b == 0; });
}

queue_entry decode(const uint8_t* e) noexcept {
  return {get_field<uint64_t>(e + at_log_offset), get_field<uint32_t>(e + at_size),
          get_field<uint64_t>(e + at_tag_hash), get_field<int64_t>(e + at_store_time)};
}

uint64_t log_end_of(const queue_entry& e) noexcept { return e.log_offset + e.size; }

// Why the (non-zero) entry is not one put() wrote, or "" when it is.
std::string entry_problem(const uint8_t* e) {
  if (get_field<uint32_t>(e + at_crc) != entry_crc(e)) {
    return "checksum mismatch (torn or overwritten)";
  }
  const queue_entry d = decode(e);
  if (d.size == 0) return "record size 0";
  if (d.log_offset > UINT64_MAX - d.size) return "log offset overflows";
  return {};
}

std::string entry_place(const fs::path& file, uint64_t q, uint64_t start) {
  return file.string() + ": entry " + std::to_string(q) + " (byte " +
         std::to_string((q - start) * consume_queue_entry_size) + ")";
}


}  // namespace

consume_queue::consume_queue(std::filesystem::path dir, std::string topic, uint32_t queue_id,
                             uint64_t entries_per_file)
    : dir_(std::move(dir)),
      topic_(std::move(topic)),
      queue_id_(queue_id),
      entries_per_file_(entries_per_file) {
  if (entries_per_file_ == 0 || entries_per_file_ > UINT64_MAX / consume_queue_entry_size) {
    throw sdk::plugin_error(BERTH_E_INVALID, "consume queue " + dir_.string() +
                                                 ": bad entries per file " +
                                                 std::to_string(entries_per_file_));
  }
}

consume_queue::~consume_queue() = default;

const std::string& consume_queue::topic() const noexcept { return topic_; }
uint32_t consume_queue::queue_id() const noexcept { return queue_id_; }
uint64_t consume_queue::min_offset() const noexcept {
  return min_offset_.load(std::memory_order_acquire);
}
uint64_t consume_queue::max_offset() const noexcept {
  return max_offset_.load(std::memory_order_acquire);
}
uint64_t consume_queue::last_log_end() const noexcept {
  return last_log_end_.load(std::memory_order_acquire);
}

uint64_t consume_queue::file_bytes() const noexcept {
  return entries_per_file_ * consume_queue_entry_size;
}

uint64_t consume_queue::file_start_of(uint64_t queue_offset) const noexcept {
  return queue_offset - queue_offset % entries_per_file_;
}

uint8_t* consume_queue::entry_at(uint64_t queue_offset) const noexcept {
  if (files_.empty() || queue_offset < files_.front().start) return nullptr;
  const uint64_t index = (queue_offset - files_.front().start) / entries_per_file_;
  if (index >= files_.size()) return nullptr;
  const queue_file& f = files_[index];
  return f.file->data() + (queue_offset - f.start) * consume_queue_entry_size;
}

queue_entry consume_queue::read(uint64_t queue_offset) const noexcept {
  const uint8_t* e = entry_at(queue_offset);
  return e == nullptr ? queue_entry{} : decode(e);
}

uint64_t consume_queue::first_at_or_after(uint64_t from, uint64_t to, uint64_t log_offset,
                                          bool by_end) const noexcept {
  while (from < to) {
    const uint64_t mid = from + (to - from) / 2;
    const queue_entry e = read(mid);
    const bool before = by_end ? log_end_of(e) <= log_offset : e.log_offset < log_offset;
    if (before) {
      from = mid + 1;
    } else {
      to = mid;
    }
  }
  return from;
}

uint64_t consume_queue::drop_files(size_t from, size_t to) noexcept {
  to = std::min(to, files_.size());
  if (from >= to) return 0;
  uint64_t bytes = 0;
  for (size_t i = from; i < to; ++i) {
    files_[i].file->remove_on_close();
    bytes += files_[i].file->size();
  }
  files_.erase(files_.begin() + static_cast<std::ptrdiff_t>(from),
               files_.begin() + static_cast<std::ptrdiff_t>(to));
  return bytes;
}

uint64_t consume_queue::scan_end(uint64_t min, std::string& cut) const {
  // Check every entry from the first file that is not plainly complete, or the newest few.
  uint64_t check_from = files_[files_.size() - std::min(files_.size(), fully_checked_files)].start;
  for (const queue_file& f : files_) {
    if (f.start >= check_from) break;
    const uint8_t* last = entry_at(f.start + entries_per_file_ - 1);
    if (all_zero(last) || !entry_problem(last).empty()) {
      check_from = f.start;
      break;
    }
  }
  const uint64_t limit = files_.back().start + entries_per_file_;
  uint64_t q = std::max(min, check_from);
  uint64_t previous_end = q > min ? log_end_of(read(q - 1)) : 0;
  for (; q < limit; ++q) {
    const uint8_t* e = entry_at(q);
    if (all_zero(e)) break;
    cut = entry_problem(e);
    const queue_entry d = decode(e);
    if (cut.empty() && d.log_offset < previous_end) {
      cut = "log offset " + std::to_string(d.log_offset) + " goes back below " +
            std::to_string(previous_end);
    }
    if (!cut.empty()) break;
    previous_end = log_end_of(d);
  }
  return q;
}

queue_load_report consume_queue::load() {
  queue_load_report report;
  std::unique_lock lock(files_mutex_);
  files_.clear();
  min_offset_.store(0, std::memory_order_release);
  max_offset_.store(0, std::memory_order_release);
  last_log_end_.store(0, std::memory_order_release);
  flushed_offset_ = 0;

  const auto found = list_offset_files(dir_, report.problems);
  // Map the run of files that follow each other; the first that does not ends the queue.
  size_t mapped = 0;
  for (; mapped < found.size(); ++mapped) {
    const auto& [start, path] = found[mapped];
    std::string problem;  // names the file
    if (start % entries_per_file_ != 0) {
      problem = path.string() + ": name is not a multiple of " +
                std::to_string(entries_per_file_) + " entries";
    } else if (!files_.empty() && start != files_.back().start + entries_per_file_) {
      problem = path.string() + ": gap, expected " +
                offset_file_name(files_.back().start + entries_per_file_) + " next";
    } else {
      try {
        files_.push_back({start, mapped_file::open(path, file_bytes())});
        continue;
      } catch (const std::exception& e) {
        problem = e.what();
      }
    }
    report.problems.push_back(problem + "; queue cut there, file removed");
    break;
  }
  for (size_t i = mapped + 1; i < found.size(); ++i) {
    report.problems.push_back(found[i].second.string() + ": follows the cut; removed");
  }
  for (size_t i = mapped; i < found.size(); ++i) remove_file(found[i].second, report.problems);
  if (files_.empty()) return report;

  const uint64_t first = files_.front().start;
  const uint64_t limit = files_.back().start + entries_per_file_;
  // Entries before the queue's start (it began mid-file) are blank.
  uint64_t min = first;
  while (min < first + entries_per_file_ && all_zero(entry_at(min))) ++min;
  if (min == first + entries_per_file_) min = first;

  std::string cut;
  const uint64_t end = scan_end(min, cut);
  if (end < limit) {
    const size_t index = static_cast<size_t>((end - first) / entries_per_file_);
    const queue_file& f = files_[index];
    if (!cut.empty()) {
      // Zero the rest so that stale entries behind the cut never come back.
      std::string fix = "; queue cut there";
      try {
        f.file->zero_from((end - f.start) * consume_queue_entry_size);
      } catch (const std::exception& e) {
        fix += " (zeroing the rest failed: " + std::string(e.what()) + ")";
      }
      report.problems.push_back(entry_place(f.file->path(), end, f.start) + ": " + cut + fix);
    }
    if (index + 1 < files_.size()) {
      if (cut.empty()) {
        report.problems.push_back(entry_place(f.file->path(), end, f.start) +
                                  ": blank although later files exist; queue cut there");
      }
      for (size_t i = index + 1; i < files_.size(); ++i) {
        report.problems.push_back(files_[i].file->path().string() + ": follows the cut; removed");
      }
      drop_files(index + 1, files_.size());
    }
  }

  min_offset_.store(min, std::memory_order_release);
  max_offset_.store(end, std::memory_order_release);
  last_log_end_.store(end > min ? log_end_of(read(end - 1)) : 0, std::memory_order_release);
  flushed_offset_ = end;
  report.entries = end - min;
  return report;
}

void consume_queue::put(uint64_t queue_offset, const queue_entry& entry) {
  const uint64_t max = max_offset_.load(std::memory_order_relaxed);
  if (queue_offset < max) return;
  if (entry.size == 0 || entry.log_offset > UINT64_MAX - entry.size) {
    throw sdk::plugin_error(BERTH_E_INVALID, dir_.string() + ": bad entry for queue offset " +
                                                 std::to_string(queue_offset));
  }
  if (queue_offset > max) restart_at(queue_offset);

  uint8_t* slot = writable_entry(queue_offset);
  uint8_t e[consume_queue_entry_size] = {};
  set_field(e + at_log_offset, entry.log_offset);
  set_field(e + at_size, entry.size);
  set_field(e + at_tag_hash, entry.tag_hash);
  set_field(e + at_store_time, entry.store_time_ms);
  set_field(e + at_crc, entry_crc(e));
  std::memcpy(slot, e, sizeof e);
  // Release: a reader that sees the new max sees the whole entry.
  last_log_end_.store(log_end_of(entry), std::memory_order_release);
  max_offset_.store(queue_offset + 1, std::memory_order_release);
}

void consume_queue::restart_at(uint64_t queue_offset) {
  // The queue begins again at queue_offset: nothing below it stays, on disk either, or a
  // later load() would find the old entries and stop at the blank gap after them.
  const uint64_t start = file_start_of(queue_offset);
  std::unique_lock lock(files_mutex_);
  size_t below = 0;
  while (below < files_.size() && files_[below].start < start) ++below;
  drop_files(0, below);
  min_offset_.store(queue_offset, std::memory_order_release);
  max_offset_.store(queue_offset, std::memory_order_release);
  flushed_offset_ = std::min(flushed_offset_, start);
  if (!files_.empty()) files_.front().file->zero_from(0);
}

uint8_t* consume_queue::writable_entry(uint64_t queue_offset) {
  // Retention drops files from the front on the housekeeper's thread, so even the writer reads
  // files_ under the lock. The file the entry lands in is never dropped: retention only drops
  // files wholly below the queue's min offset.
  {
    std::shared_lock lock(files_mutex_);
    if (!files_.empty() && queue_offset < files_.back().start + entries_per_file_) {
      const queue_file& f = files_.back();
      return f.file->data() + (queue_offset - f.start) * consume_queue_entry_size;
    }
  }
  const uint64_t start = file_start_of(queue_offset);
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw sdk::plugin_error(BERTH_E_IO, "create " + dir_.string() + ": " + ec.message());
  mapped_file_ptr file = mapped_file::create(dir_ / offset_file_name(start), file_bytes());
  file->advise_sequential();
  uint8_t* slot = file->data() + (queue_offset - start) * consume_queue_entry_size;
  std::unique_lock lock(files_mutex_);
  files_.push_back({start, std::move(file)});
  return slot;
}

size_t consume_queue::get(uint64_t queue_offset, std::span<queue_entry> out) const {
  std::shared_lock lock(files_mutex_);
  const uint64_t min = min_offset_.load(std::memory_order_acquire);
  const uint64_t max = max_offset_.load(std::memory_order_acquire);
  if (queue_offset < min || queue_offset >= max) return 0;
  const auto n = static_cast<size_t>(std::min<uint64_t>(out.size(), max - queue_offset));
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* e = entry_at(queue_offset + i);
    if (e == nullptr) return i;
    out[i] = decode(e);
  }
  return n;
}

uint64_t consume_queue::offset_by_time(int64_t time_ms) const {
  std::shared_lock lock(files_mutex_);
  uint64_t lo = min_offset_.load(std::memory_order_acquire);
  uint64_t hi = max_offset_.load(std::memory_order_acquire);
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    if (read(mid).store_time_ms < time_ms) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

void consume_queue::truncate_to_log(uint64_t log_end) {
  std::unique_lock lock(files_mutex_);
  const uint64_t min = min_offset_.load(std::memory_order_relaxed);
  const uint64_t max = max_offset_.load(std::memory_order_relaxed);
  const uint64_t cut = first_at_or_after(min, max, log_end, true);
  if (cut == max) return;
  max_offset_.store(cut, std::memory_order_release);
  last_log_end_.store(cut > min ? log_end_of(read(cut - 1)) : 0, std::memory_order_release);
  flushed_offset_ = std::min(flushed_offset_, cut);
  // Entries at and after the cut are wiped: the next put() there must meet zeros.
  const size_t index = static_cast<size_t>((cut - files_.front().start) / entries_per_file_);
  if (cut == files_[index].start) {
    drop_files(index, files_.size());
  } else {
    drop_files(index + 1, files_.size());
    files_[index].file->zero_from((cut - files_[index].start) * consume_queue_entry_size);
  }
}

uint64_t consume_queue::remove_below_log(uint64_t log_min) {
  // Runs on the housekeeper's thread while the dispatcher appends: the search reads entries
  // through files_, so it holds the lock too.
  std::unique_lock lock(files_mutex_);
  const uint64_t min = min_offset_.load(std::memory_order_acquire);
  const uint64_t max = max_offset_.load(std::memory_order_acquire);
  const uint64_t new_min = first_at_or_after(min, max, log_min, false);
  if (new_min == min) return 0;
  min_offset_.store(new_min, std::memory_order_release);
  size_t below = 0;
  while (below < files_.size() && files_[below].start + entries_per_file_ <= new_min) ++below;
  return drop_files(0, below);
}

void consume_queue::flush() {
  // The dispatcher appends files while this runs on the housekeeper's thread: hold the lock.
  std::shared_lock lock(files_mutex_);
  const uint64_t max = max_offset_.load(std::memory_order_acquire);
  if (flushed_offset_ >= max) return;
  for (const queue_file& f : files_) {
    const uint64_t from = std::max(flushed_offset_, f.start);
    const uint64_t to = std::min(max, f.start + entries_per_file_);
    if (from >= to) continue;
    f.file->sync((from - f.start) * consume_queue_entry_size,
                 (to - f.start) * consume_queue_entry_size);
  }
  flushed_offset_ = max;
}

void consume_queue::destroy() {
  {
    std::unique_lock lock(files_mutex_);
    drop_files(0, files_.size());
    min_offset_.store(0, std::memory_order_release);
    max_offset_.store(0, std::memory_order_release);
    last_log_end_.store(0, std::memory_order_release);
    flushed_offset_ = 0;
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
  if (ec) throw sdk::plugin_error(BERTH_E_IO, "remove " + dir_.string() + ": " + ec.message());
}

}  // namespace berth::store_mmap
