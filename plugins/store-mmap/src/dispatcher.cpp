#include "dispatcher.hpp"

#include "record_keys.hpp"

#include <berth/plugin/error.hpp>

#include <map>
#include <utility>
#include <vector>

namespace berth::store_mmap {

namespace {

constexpr uint64_t records_per_round = 4096;

}  // namespace

dispatcher::dispatcher(parts p) : parts_(std::move(p)) {}

dispatcher::~dispatcher() { stop(); }

void dispatcher::dispatch(const decoded_record& record) {
  queue_entry entry;
  entry.log_offset = record.log_offset;
  entry.size = record.total_size;
  entry.tag_hash = berth_tag_hash(berth_str{record.tags.data(), record.tags.size()});
  entry.store_time_ms = record.store_time_ms;
  parts_.queues.find_or_create(record.topic, record.queue_id).put(record.queue_offset, entry);

  thread_local std::vector<berth_property> scratch;
  for_each_key(record.keys, unique_key_of(record, scratch), [&](std::string_view key) {
    parts_.index.put(record.topic, key, record.log_offset, record.store_time_ms);
  });
  parts_.index.advance(record.log_offset + record.total_size);
}

void dispatcher::start(uint64_t from) {
  dispatched_.store(from, std::memory_order_release);
  thread_ = std::thread([this] { run(); });
}

void dispatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void dispatcher::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_cv_.notify_one();
}

std::optional<dispatcher::stall> dispatcher::wait_dispatched(uint64_t end) {
  std::unique_lock lock(mutex_);
  while (true) {
    done_cv_.wait(lock, [&] {
      return dispatched() >= end || stopped_ || stalled_.load(std::memory_order_acquire);
    });
    if (dispatched() >= end || stopped_) return std::nullopt;
    if (auto stuck = stalled()) return stuck;
    // The stall cleared in between: wait on.
  }
}

void dispatcher::run() {
  while (true) {
    // Read before the round: a stop requested during it may come with a higher visible
    // limit (the flusher's last sync), which one more round must still dispatch.
    bool last_round = false;
    {
      std::lock_guard lock(mutex_);
      last_round = stopping_;
    }
    bool progressed = false;
    try {
      progressed = dispatch_round();
      if (stalled_.load(std::memory_order_acquire)) clear_stall();
    } catch (const std::exception& e) {
      // A queue or index file could not be made or extended (disk full, read-only, I/O
      // error): the records stay in the log, and the next round tries again.
      const auto* refusal = dynamic_cast<const sdk::plugin_error*>(&e);
      const std::string reason = std::string("dispatch stalled at log offset ") +
                                 std::to_string(dispatched()) + ": " + e.what();
      if (set_stall(refusal != nullptr ? refusal->status() : BERTH_E_IO, reason)) {
        parts_.report_error(reason + "; appends are refused until it can go on (retried every "
                                     "second, logged again only when the cause changes)");
      }
      std::unique_lock lock(mutex_);
      wake_cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; });
    }
    std::unique_lock lock(mutex_);
    done_cv_.notify_all();
    if (progressed) continue;
    if (last_round) break;
    if (stopping_) continue;
    wake_cv_.wait_for(lock, std::chrono::milliseconds(10), [&] { return woken_ || stopping_; });
    woken_ = false;
  }
  std::lock_guard lock(mutex_);
  stopped_ = true;
  done_cv_.notify_all();
}

std::optional<dispatcher::stall> dispatcher::stalled() const {
  if (!stalled_.load(std::memory_order_acquire)) return std::nullopt;
  std::lock_guard lock(stall_mutex_);
  return stall_;
}

bool dispatcher::set_stall(berth_status status, const std::string& reason) {
  std::lock_guard lock(stall_mutex_);
  const bool changed = !stall_ || stall_->reason != reason;
  stall_ = stall{status == BERTH_E_FULL ? BERTH_E_FULL : BERTH_E_IO, reason};
  stalled_.store(true, std::memory_order_release);
  return changed;
}

void dispatcher::clear_stall() {
  {
    std::lock_guard lock(stall_mutex_);
    stall_.reset();
    stalled_.store(false, std::memory_order_release);
  }
  parts_.report_info("dispatch goes on: appends accepted again");
}

bool dispatcher::dispatch_round() {
  const uint64_t limit = parts_.visible_limit();
  uint64_t position = dispatched();
  if (position < parts_.log.min_offset()) position = parts_.log.min_offset();
  const uint64_t start = position;
  std::map<std::pair<std::string, uint32_t>, uint64_t> grown;
  uint64_t records = 0;
  while (position < limit && records < records_per_round) {
    const pinned_bytes tail = parts_.log.tail_at(position);
    if (tail.bytes.empty()) break;
    const decode_result r = decode(tail.bytes, position, false);
    if (r.status == decode_status::record) {
      dispatch(r.record);
      grown[{std::string(r.record.topic), r.record.queue_id}] = r.record.queue_offset + 1;
      position += r.size;
      ++records;
    } else if (r.status == decode_status::blank) {
      position = parts_.log.next_segment_start(position);
    } else {
      // Below the visible limit every byte was written by this process: a bad record here
      // means memory or disk corruption. Skip to the next segment rather than serve it.
      parts_.report_error("dispatch found a bad record at log offset " + std::to_string(position) +
                          ": " + (r.reason.empty() ? "no record" : r.reason) +
                          "; skipping to the next segment");
      position = parts_.log.next_segment_start(position);
    }
    dispatched_.store(position, std::memory_order_release);
  }
  for (const auto& [queue, max_offset] : grown) {
    parts_.listener.notify(queue.first, queue.second, max_offset);
  }
  return position > start && position < limit;
}

}  // namespace berth::store_mmap
