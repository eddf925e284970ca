#include "key_index.hpp"

#include "byte_fields.hpp"
#include "crc32c.hpp"

#include <berth/plugin/error.hpp>

#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <system_error>
#include <utility>

namespace berth::store_mmap {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t index_magic = 0x58494B42u;  // "BKIX"
constexpr uint16_t index_version = 1;
constexpr uint16_t header_size = 64;
// Header fields. Those below at_crc are fixed when the file is made and covered by the crc;
// the rest change with every put (a crc over them would be torn by any crash mid-put), so
// load() checks them for range instead.
constexpr size_t at_magic = 0;
constexpr size_t at_version = 4;
constexpr size_t at_header_size = 6;
constexpr size_t at_slots = 8;
constexpr size_t at_capacity = 12;
constexpr size_t at_first_log = 16;
constexpr size_t at_crc = 24;
constexpr size_t at_count = 28;
constexpr size_t at_last_log = 32;
constexpr size_t at_min_time = 40;
constexpr size_t at_max_time = 48;
constexpr size_t at_indexed_up_to = 56;
static_assert(at_indexed_up_to + 8 == header_size);

constexpr uint64_t entry_size = 24;
constexpr size_t at_entry_hash = 0;
constexpr size_t at_entry_log = 4;
constexpr size_t at_entry_time = 12;
constexpr size_t at_entry_prev = 20;

// Fields that lookups read while put() writes them. Every one is naturally aligned: the
// mapping is page-aligned and the offsets above are multiples of the field's size.
template <class T>
std::atomic_ref<T> shared_field(uint8_t* p) noexcept {
  return std::atomic_ref<T>(*reinterpret_cast<T*>(p));
}

uint64_t file_bytes(uint32_t slots, uint32_t capacity) noexcept {
  return header_size + uint64_t{slots} * 4 + uint64_t{capacity} * entry_size;
}

uint8_t* slot_at(uint8_t* base, uint32_t slot) noexcept {
  return base + header_size + uint64_t{slot} * 4;
}

uint8_t* entry_at(uint8_t* base, uint32_t slots, uint32_t entry) noexcept {
  return base + header_size + uint64_t{slots} * 4 + uint64_t{entry} * entry_size;
}

uint64_t key_hash(std::string_view topic, std::string_view key) {
  // "topic#key" without a heap allocation in the common case.
  char stack[512];
  std::string heap;
  const size_t n = topic.size() + 1 + key.size();
  char* buf = stack;
  if (n > sizeof stack) {
    heap.resize(n);
    buf = heap.data();
  }
  if (!topic.empty()) std::memcpy(buf, topic.data(), topic.size());
  buf[topic.size()] = '#';
  if (!key.empty()) std::memcpy(buf + topic.size() + 1, key.data(), key.size());
  return XXH3_64bits(buf, n);
}

// Why the header at `base` (file of `size` bytes) is not one of ours, or "" when it is.
std::string header_problem(const uint8_t* base, uint64_t size) {
  if (size < header_size) return "shorter than the header";
  if (get_field<uint32_t>(base + at_magic) != index_magic) return "not an index file (bad magic)";
  if (const auto v = get_field<uint16_t>(base + at_version); v != index_version) {
    return "version " + std::to_string(v) + ", this build reads " + std::to_string(index_version);
  }
  if (get_field<uint32_t>(base + at_crc) != crc32c(base, at_crc)) return "header checksum mismatch";
  const auto slots = get_field<uint32_t>(base + at_slots);
  const auto capacity = get_field<uint32_t>(base + at_capacity);
  if (get_field<uint16_t>(base + at_header_size) != header_size || slots == 0 || capacity < 2) {
    return "bad geometry in header";
  }
  if (file_bytes(slots, capacity) != size) {
    return "size " + std::to_string(size) + " bytes, header says " +
           std::to_string(file_bytes(slots, capacity));
  }
  const auto count = get_field<uint32_t>(base + at_count);
  if (count == 0 || count > capacity) {
    return "entry count " + std::to_string(count) + " outside [1, " + std::to_string(capacity) +
           "]";
  }
  return {};
}


}  // namespace

key_index::key_index(options opts) : opts_(std::move(opts)) {
  if (opts_.slots == 0 || opts_.entries_per_file < 2) {
    throw sdk::plugin_error(BERTH_E_INVALID, "key index " + opts_.dir.string() +
                                                 ": needs at least 1 slot and 2 entries per file");
  }
}

key_index::~key_index() = default;

uint64_t key_index::drop_files(size_t from, size_t to) noexcept {
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

index_load_report key_index::load() {
  index_load_report report;
  std::unique_lock lock(files_mutex_);
  files_.clear();
  indexed_up_to_.store(0, std::memory_order_release);
  unsynced_from_ = 0;

  const auto found = list_offset_files(opts_.dir, report.problems);
  // A damaged file ends the index: it and every later file go, so that re-dispatching from
  // indexed_up_to() rebuilds them in log order.
  size_t good = 0;
  for (; good < found.size(); ++good) {
    const auto& [name, path] = found[good];
    std::string why;
    index_file f;
    try {
      f.file = mapped_file::open(path);
      why = header_problem(f.file->data(), f.file->size());
    } catch (const std::exception& e) {
      why = e.what();  // names the file already
    }
    if (why.empty()) {
      const uint8_t* base = f.file->data();
      f.name = name;
      f.first_log_offset = get_field<uint64_t>(base + at_first_log);
      f.slots = get_field<uint32_t>(base + at_slots);
      f.capacity = get_field<uint32_t>(base + at_capacity);
      if (f.first_log_offset > name) {
        why = "first log offset " + std::to_string(f.first_log_offset) + " above its name";
      } else if (!files_.empty() &&
                 f.first_log_offset <
                     get_field<uint64_t>(files_.back().file->data() + at_last_log)) {
        why = "begins before the previous file ends";
      }
    }
    if (!why.empty()) {
      if (f.file) why = path.string() + ": " + why;
      f.file.reset();
      report.problems.push_back(why + "; deleted");
      remove_file(path, report.problems);
      break;
    }
    files_.push_back(std::move(f));
  }
  for (size_t i = good + 1; i < found.size(); ++i) {
    report.problems.push_back(found[i].second.string() + ": follows a damaged file; deleted");
    remove_file(found[i].second, report.problems);
  }

  report.files = files_.size();
  if (!files_.empty()) {
    indexed_up_to_.store(get_field<uint64_t>(files_.back().file->data() + at_indexed_up_to),
                         std::memory_order_release);
    unsynced_from_ = files_.back().name;
  }
  return report;
}

uint64_t key_index::indexed_up_to() const noexcept {
  return indexed_up_to_.load(std::memory_order_acquire);
}

key_index::index_file& key_index::roll(uint64_t log_offset) {
  // Names must be unique and ordered; a record with more keys than a file holds would
  // otherwise name two files alike.
  const uint64_t name = files_.empty() ? log_offset : std::max(log_offset, files_.back().name + 1);
  std::error_code ec;
  fs::create_directories(opts_.dir, ec);
  if (ec) {
    throw sdk::plugin_error(BERTH_E_IO, "create " + opts_.dir.string() + ": " + ec.message());
  }
  const uint64_t bytes = file_bytes(opts_.slots, opts_.entries_per_file);
  mapped_file_ptr file = mapped_file::create(opts_.dir / offset_file_name(name), bytes);
  uint8_t* base = file->data();
  set_field(base + at_magic, index_magic);
  set_field(base + at_version, index_version);
  set_field(base + at_header_size, header_size);
  set_field(base + at_slots, opts_.slots);
  set_field(base + at_capacity, opts_.entries_per_file);
  set_field(base + at_first_log, log_offset);
  set_field(base + at_crc, crc32c(base, at_crc));
  set_field(base + at_count, uint32_t{1});
  set_field(base + at_last_log, log_offset);
  set_field(base + at_indexed_up_to, indexed_up_to_.load(std::memory_order_relaxed));

  std::unique_lock lock(files_mutex_);
  files_.push_back({std::move(file), name, log_offset, opts_.slots, opts_.entries_per_file});
  return files_.back();
}

void key_index::put(std::string_view topic, std::string_view key, uint64_t log_offset,
                    int64_t store_time_ms) {
  if (log_offset < indexed_up_to_.load(std::memory_order_relaxed)) return;
  const uint64_t hash = key_hash(topic, key);
  const auto high = static_cast<uint32_t>(hash >> 32);

  // Retention drops files from the front on the housekeeper's thread: hold the lock while
  // `f` points into files_. It never drops the last file, the one written here.
  std::shared_lock lock(files_mutex_);
  index_file* f = files_.empty() ? nullptr : &files_.back();
  if (f != nullptr) {
    uint8_t* base = f->file->data();
    const uint32_t count = shared_field<uint32_t>(base + at_count).load(std::memory_order_relaxed);
    const auto last = get_field<uint64_t>(base + at_last_log);
    // Entries stay in log order: truncate_to_log() searches them.
    if (count > 1 && log_offset < last) return;
    if (count > 1 && log_offset == last) {
      // The same key of the same record again (a re-dispatch that an earlier run cut short
      // after some of the record's keys): one entry is enough.
      uint32_t e = get_field<uint32_t>(slot_at(base, static_cast<uint32_t>(hash % f->slots)));
      while (e != 0 && e < count) {
        const uint8_t* p = entry_at(base, f->slots, e);
        if (get_field<uint64_t>(p + at_entry_log) != log_offset) break;
        if (get_field<uint32_t>(p + at_entry_hash) == high) return;
        const auto prev = get_field<uint32_t>(p + at_entry_prev);
        e = prev < e ? prev : 0;
      }
    }
    if (count >= f->capacity) f = nullptr;
  }
  if (f == nullptr) {
    lock.unlock();  // roll() takes the lock exclusively
    (void)roll(log_offset);
    lock.lock();
    f = &files_.back();
  }

  uint8_t* base = f->file->data();
  auto count = shared_field<uint32_t>(base + at_count);
  const uint32_t n = count.load(std::memory_order_relaxed);
  auto slot = shared_field<uint32_t>(slot_at(base, static_cast<uint32_t>(hash % f->slots)));
  uint8_t* e = entry_at(base, f->slots, n);
  set_field(e + at_entry_hash, high);
  set_field(e + at_entry_log, log_offset);
  set_field(e + at_entry_time, store_time_ms);
  set_field(e + at_entry_prev, slot.load(std::memory_order_relaxed));
  // Entry, then slot, then count, each released: a lookup that reaches an entry through
  // either sees all of it.
  slot.store(n, std::memory_order_release);
  shared_field<uint64_t>(base + at_last_log).store(log_offset, std::memory_order_relaxed);
  auto min_time = shared_field<int64_t>(base + at_min_time);
  auto max_time = shared_field<int64_t>(base + at_max_time);
  if (n == 1 || store_time_ms < min_time.load(std::memory_order_relaxed)) {
    min_time.store(store_time_ms, std::memory_order_relaxed);
  }
  if (n == 1 || store_time_ms > max_time.load(std::memory_order_relaxed)) {
    max_time.store(store_time_ms, std::memory_order_relaxed);
  }
  count.store(n + 1, std::memory_order_release);
}

void key_index::advance(uint64_t record_end) noexcept {
  if (record_end <= indexed_up_to_.load(std::memory_order_relaxed)) return;
  indexed_up_to_.store(record_end, std::memory_order_release);
  // Lookups never read this field; only the next load() does.
  std::shared_lock lock(files_mutex_);
  if (!files_.empty()) set_field(files_.back().file->data() + at_indexed_up_to, record_end);
}

std::vector<uint64_t> key_index::lookup(std::string_view topic, std::string_view key,
                                        int64_t begin_ms, int64_t end_ms, size_t max) const {
  std::vector<uint64_t> found;
  if (max == 0 || begin_ms > end_ms) return found;
  const uint64_t hash = key_hash(topic, key);
  const auto high = static_cast<uint32_t>(hash >> 32);

  std::shared_lock lock(files_mutex_);
  for (auto f = files_.rbegin(); f != files_.rend(); ++f) {
    uint8_t* base = f->file->data();
    const uint32_t count = shared_field<uint32_t>(base + at_count).load(std::memory_order_acquire);
    if (count <= 1) continue;
    if (shared_field<int64_t>(base + at_max_time).load(std::memory_order_relaxed) < begin_ms ||
        shared_field<int64_t>(base + at_min_time).load(std::memory_order_relaxed) > end_ms) {
      continue;
    }
    uint32_t e = shared_field<uint32_t>(slot_at(base, static_cast<uint32_t>(hash % f->slots)))
                     .load(std::memory_order_acquire);
    // Links always point back; anything else (a damaged file) ends the chain.
    while (e != 0 && e < f->capacity) {
      const uint8_t* p = entry_at(base, f->slots, e);
      // An entry put after `count` was read is whole (the slot was read with acquire) but
      // left out, so that each file is seen as of one moment.
      if (e < count && get_field<uint32_t>(p + at_entry_hash) == high) {
        const auto time = get_field<int64_t>(p + at_entry_time);
        if (time >= begin_ms && time <= end_ms) {
          found.push_back(get_field<uint64_t>(p + at_entry_log));
          if (found.size() == max) return found;
        }
      }
      const auto prev = get_field<uint32_t>(p + at_entry_prev);
      if (prev >= e) break;
      e = prev;
    }
  }
  return found;
}

void key_index::truncate_to_log(uint64_t log_end) {
  std::unique_lock lock(files_mutex_);
  size_t keep = files_.size();
  while (keep > 0 && files_[keep - 1].first_log_offset >= log_end) --keep;
  drop_files(keep, files_.size());

  if (log_end < indexed_up_to_.load(std::memory_order_relaxed)) {
    indexed_up_to_.store(log_end, std::memory_order_release);
  }
  if (files_.empty()) return;
  index_file& f = files_.back();
  uint8_t* base = f.file->data();
  set_field(base + at_indexed_up_to, indexed_up_to_.load(std::memory_order_relaxed));
  unsynced_from_ = std::min(unsynced_from_, f.name);

  // The first entry at or after log_end: entries are in log order.
  const uint32_t count = get_field<uint32_t>(base + at_count);
  uint32_t lo = 1;
  uint32_t hi = count;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (get_field<uint64_t>(entry_at(base, f.slots, mid) + at_entry_log) < log_end) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == count) return;
  // Unlink the void entries from every chain, so that put() can reuse them.
  for (uint32_t s = 0; s < f.slots; ++s) {
    const auto head = get_field<uint32_t>(slot_at(base, s));
    uint32_t e = head;
    while (e >= lo) {
      const auto prev = e < f.capacity
                            ? get_field<uint32_t>(entry_at(base, f.slots, e) + at_entry_prev)
                            : 0;
      e = prev < e ? prev : 0;
    }
    if (e != head) shared_field<uint32_t>(slot_at(base, s)).store(e, std::memory_order_release);
  }
  const uint64_t last =
      lo > 1 ? get_field<uint64_t>(entry_at(base, f.slots, lo - 1) + at_entry_log)
             : f.first_log_offset;
  shared_field<uint64_t>(base + at_last_log).store(last, std::memory_order_relaxed);
  shared_field<uint32_t>(base + at_count).store(lo, std::memory_order_release);
}

uint64_t key_index::remove_below_log(uint64_t log_min) {
  std::unique_lock lock(files_mutex_);
  size_t below = 0;
  while (below + 1 < files_.size() &&
         get_field<uint64_t>(files_[below].file->data() + at_last_log) < log_min) {
    ++below;
  }
  return drop_files(0, below);
}

void key_index::flush() {
  // The dispatcher adds files while this runs on the housekeeper's thread: hold the lock.
  std::shared_lock lock(files_mutex_);
  for (const index_file& f : files_) {
    if (f.name >= unsynced_from_) f.file->sync(0, f.file->size());
  }
  if (!files_.empty()) unsynced_from_ = files_.back().name;
}

}  // namespace berth::store_mmap
