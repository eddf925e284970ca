#include "mmap_store.hpp"

#include "checkpoint.hpp"

#include <chrono>
#include <filesystem>

namespace berth::store_mmap {

namespace {

std::filesystem::path prepared(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw sdk::plugin_error(BERTH_E_IO, "cannot create " + dir.string() + ": " + ec.message());
  return dir;
}

}  // namespace

mmap_store::mmap_store(sdk::host& host)
    : host_(host),
      config_(read_store_config(host)),
      log_({prepared(config_.dir) / "commitlog", config_.segment_size}),
      queues_(config_.dir / "consumequeue", config_.queue_file_entries),
      index_({config_.dir / "index", config_.index_slots, config_.index_entries}),
      appender_(log_, config_),
      retention_(log_, queues_, index_, config_),
      flusher_(
          log_, config_, [this](uint64_t) { dispatcher_.wake(); },
          [this](const std::string& reason) {
            fenced_metric_.set(1);
            host_.log(sdk::log_level::critical, "commit log fenced, appends refused until restart: ", reason);
          }),
      dispatcher_({log_, queues_, index_, listener_, [this] { return visible_limit(); },
                   [this](const std::string& e) { host_.error(e); },
                   [this](const std::string& m) { host_.info(m); }}),
      reader_({log_, queues_, index_, [this] { return dispatcher_.dispatched(); },
               [this](const std::string& e) { host_.error(e); }}),
      housekeeper_(config_.housekeeping_interval, [this] { housekeeping(); }),
      appended_metric_(host.counter("store_mmap_messages_appended_total", "messages appended")),
      syncs_metric_(host.counter("store_mmap_syncs_total", "fdatasync calls on the commit log")),
      flush_seconds_metric_(host.histogram("store_mmap_flush_seconds",
                                           "One fdatasync of the commit log, in seconds")),
      fenced_metric_(host.gauge("store_mmap_fenced", "1 after an I/O error stopped appends")),
      disk_full_metric_(host.gauge("store_mmap_disk_full", "1 while appends are refused for lack of space")) {
  recover();
  refresh_disk_state();
  create_abort_marker(config_.dir);
  flusher_.observe_syncs([metric = flush_seconds_metric_](double s) { metric.observe(s); });
  flusher_.start();
  dispatcher_.start(log_.write_offset());
  housekeeper_.start();
}

mmap_store::~mmap_store() {
  housekeeper_.stop();
  flusher_.stop();
  dispatcher_.stop();
  try {
    write_checkpoint_now();
    if (!flusher_.fenced() && dispatcher_.dispatched() >= log_.write_offset()) {
      remove_abort_marker(config_.dir);
    } else {
      host_.warn("closing with undispatched or unsynced data: the next start recovers from the checkpoint");
    }
  } catch (const std::exception& e) {
    host_.error("closing the store: ", e.what(), "; the next start recovers from the log");
  }
}

void mmap_store::recover() {
  const auto started = std::chrono::steady_clock::now();
  const bool crashed = abort_marker_exists(config_.dir);
  const checkpoint_read cp = read_checkpoint(config_.dir);
  if (!cp.problem.empty()) host_.warn("checkpoint ignored, scanning the whole log: ", cp.problem);

  const std::vector<std::string> queue_problems = queues_.load();
  for (const std::string& p : queue_problems) host_.warn("consume queue: ", p);
  for (const std::string& p : index_.load().problems) host_.warn("key index: ", p);

  // Scan from the checkpoint, but always the whole newest segment; the whole log when the
  // checkpoint or a consume queue cannot be trusted.
  uint64_t from = 0;
  if (cp.value && queue_problems.empty()) {
    from = cp.value->dispatched_offset;
    const auto segments = log_.segments();
    if (!segments.empty()) from = std::min(from, segments.back().start);
  }
  // After an unclean stop the index header may run ahead of entries that reached the disk:
  // drop what lies beyond the scan start, and let the scan index it again.
  if (crashed) index_.truncate_to_log(from);
  const log_recovery found = log_.recover(from, [&](const decoded_record& r) { dispatcher_.dispatch(r); });
  if (!found.cut_reason.empty()) {
    host_.error("commit log cut at log offset ", found.cut_offset, ": ", found.cut_reason, "; ",
                found.bytes_cut, " bytes after it wiped",
                found.removed_files.empty() ? "" : ", later segments deleted");
  }
  queues_.for_each([&](consume_queue& q) { q.truncate_to_log(found.end_offset); });
  index_.truncate_to_log(found.end_offset);
  if (log_.segments().empty() && queues_.size() > 0) {
    host_.warn("the commit log is empty: deleting ", queues_.size(), " consume queues that point into it");
    queues_.destroy_all();
  }
  const uint64_t log_min = log_.min_offset();
  queues_.for_each([&](consume_queue& q) { (void)q.remove_below_log(log_min); });
  appender_.restore_next_offsets(queues_);
  (void)log_.flush(log_.write_offset());

  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started).count();
  host_.info(crashed ? "recovered after an unclean stop" : "opened after a clean stop", ": log [",
             log_min, ", ", found.end_offset, "), ", found.records, " records scanned from offset ",
             found.scanned_from, ", ", queues_.size(), " queues, in ", ms, " ms; flush=",
             config_.flush == flush_mode::sync ? "sync" : "async", ", dir ", config_.dir.string());
}

uint64_t mmap_store::visible_limit() const {
  return config_.flush == flush_mode::sync ? log_.durable_offset() : log_.write_offset();
}

int64_t mmap_store::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(host_.now_realtime()).count();
}

void mmap_store::write_checkpoint_now() {
  if (!checkpoint_held_.empty()) {
    throw sdk::plugin_error(BERTH_E_IO, "not written any more after " + checkpoint_held_ +
                                            "; the next start rebuilds queues and index from "
                                            "the last checkpoint written");
  }
  // Everything below `upto` is durable in the log; flushing the queues and the index after
  // reading it makes their entries below it durable too.
  const uint64_t upto = std::min(dispatcher_.dispatched(), log_.durable_offset());
  try {
    queues_.for_each([](consume_queue& q) { q.flush(); });
    index_.flush();
  } catch (const std::exception& e) {
    // After a failed sync the kernel may have dropped the entries, and a retry can succeed all
    // the same: the checkpoint never moves past them in this process (the log still has them).
    checkpoint_held_ = e.what();
    throw;
  }
  if (upto == checkpointed_ && upto != 0) return;
  write_checkpoint(config_.dir, checkpoint{upto, 0, config_.segment_size});
  checkpointed_ = upto;
}

void mmap_store::refresh_disk_state() {
  if (!retention_.refresh_disk()) return;
  publish_disk_full();
  if (retention_.disk_full()) {
    host_.error(retention_.disk_full_message());
  } else {
    host_.info("disk space is back: appends accepted again");
  }
}

void mmap_store::publish_disk_full() {
  // Under the lock, the last caller sets the gauge from the latest state of both causes.
  std::lock_guard lock(disk_full_mutex_);
  const bool full = retention_.disk_full() || out_of_space_.load(std::memory_order_acquire);
  disk_full_metric_.set(full ? 1 : 0);
}

void mmap_store::note_out_of_space(const std::string& what) {
  if (out_of_space_.exchange(true, std::memory_order_acq_rel)) return;
  publish_disk_full();
  host_.error(what);
}

void mmap_store::note_space_back() {
  if (!out_of_space_.exchange(false, std::memory_order_acq_rel)) return;
  publish_disk_full();
  host_.info("disk space is back: a new file could be allocated, appends accepted again");
}

void mmap_store::housekeeping() {
  // Each step on its own: a checkpoint that cannot be written (a full or read-only disk) must
  // not keep the disk check and retention, which may free space, from running.
  std::string problems;
  const auto step = [&](const char* what, const auto& run) {
    try {
      run();
    } catch (const std::exception& e) {
      problems += std::string(problems.empty() ? "" : "; ") + what + ": " + e.what();
    }
  };
  step("checkpoint", [&] { write_checkpoint_now(); });
  step("disk check", [&] { refresh_disk_state(); });
  step("retention", [&] {
    const berth_retention_report done = retention_.run(0, BERTH_RETENTION_EXPIRED);
    if (done.units_deleted > 0) {
      host_.info("retention deleted ", done.units_deleted, " segments (", done.bytes_freed,
                 " bytes); the log now starts at ", done.log_min_offset);
    }
  });
  // Make the next segment once the current one is half full, so that the roll does not
  // wait for fallocate, without holding a spare segment's worth of disk from the start.
  step("preallocating the next segment", [&] {
    const auto segments = log_.segments();
    if (!segments.empty() && log_.write_offset() - segments.back().start > config_.segment_size / 2) {
      log_.preallocate_next();
    }
  });
  // A counter only moves by deltas; the flusher counts on its own hot path.
  const uint64_t syncs = flusher_.syncs();
  syncs_metric_.add(static_cast<int64_t>(syncs - syncs_reported_));
  syncs_reported_ = syncs;
  report_housekeeping(problems);
}

void mmap_store::report_housekeeping(const std::string& problems) {
  if (problems == housekeeping_problems_) return;
  if (!problems.empty()) {
    host_.error("housekeeping: ", problems, " (logged again only when this changes)");
  } else {
    host_.info("housekeeping works again");
  }
  housekeeping_problems_ = problems;
}

void mmap_store::sync() {
  const uint64_t end = log_.write_offset();
  flusher_.flush_to(end);
  dispatcher_.wake();
  const auto stall = dispatcher_.wait_dispatched(end);
  flusher_.check_not_fenced();
  // Not readable until the stall clears, which may take long: say why now.
  if (stall) throw sdk::plugin_error(stall->status, stall->reason);
}

void mmap_store::append(std::span<const berth_message_view* const> messages,
                        std::span<berth_append_result> results, sdk::append_ack ack) {
  appender_.validate(messages);
  flusher_.check_not_fenced();
  if (retention_.disk_full()) throw sdk::plugin_error(BERTH_E_FULL, retention_.disk_full_message());
  // A record appended now could be acknowledged but not read until the stall clears.
  if (const auto stall = dispatcher_.stalled()) {
    throw sdk::plugin_error(stall->status, stall->reason + "; appends are refused until it can go on");
  }
  if (config_.flush == flush_mode::async) flusher_.wait_for_room();

  appender::written done{};
  try {
    done = appender_.write(messages, results, now_ms());
  } catch (const sdk::plugin_error& e) {
    if (e.status() != BERTH_E_FULL) throw;
    // The file system had no room for a new file (the ratio guard did not see it coming).
    const std::string what = std::string(e.what()) +
                             "; appends are refused until space is freed on the file system "
                             "holding " + config_.dir.string() +
                             " (each append tries again), reads go on";
    note_out_of_space(what);
    throw sdk::plugin_error(BERTH_E_FULL, what);
  }
  if (out_of_space_.load(std::memory_order_relaxed)) note_space_back();
  const auto [end, record_bytes] = done;
  messages_appended_.fetch_add(messages.size(), std::memory_order_relaxed);
  bytes_appended_.fetch_add(record_bytes, std::memory_order_relaxed);
  appended_metric_.add(static_cast<int64_t>(messages.size()));
  if (config_.flush == flush_mode::sync) {
    flusher_.ack_when_durable(end, ack);
  } else {
    dispatcher_.wake();
    ack(BERTH_OK);
  }
}

sdk::read_batch_ptr mmap_store::read(const sdk::read_request& request) { return reader_.read(request); }

std::optional<sdk::queue_range> mmap_store::queue_bounds(std::string_view topic, uint32_t queue_id) {
  return reader_.bounds(topic, queue_id);
}

std::optional<uint64_t> mmap_store::offset_by_time(std::string_view topic, uint32_t queue_id,
                                                   int64_t time_ms) {
  return reader_.offset_by_time(topic, queue_id, time_ms);
}

sdk::read_batch_ptr mmap_store::lookup_id(std::string_view message_id) {
  return reader_.lookup_id(message_id);
}

sdk::read_batch_ptr mmap_store::lookup_key(std::string_view topic, std::string_view key,
                                           int64_t begin_ms, int64_t end_ms,
                                           uint32_t max_messages) {
  return reader_.lookup_key(topic, key, begin_ms, end_ms, max_messages);
}

berth_retention_report mmap_store::run_retention(int64_t now_ms, uint32_t flags) {
  return retention_.run(now_ms, flags);
}

berth_store_stats mmap_store::stats() {
  berth_store_stats s{};
  s.struct_size = sizeof s;
  s.fenced = flusher_.fenced() ? 1 : 0;
  const bool full = retention_.disk_full() || out_of_space_.load(std::memory_order_acquire);
  s.disk_full = full ? 1 : 0;
  s.queue_count = static_cast<uint32_t>(queues_.size());
  s.log_min_offset = log_.min_offset();
  // Read in the order they advance past each other (visible <= durable <= written), so the
  // snapshot keeps that order while appends run.
  s.visible_offset = dispatcher_.dispatched();
  s.durable_offset = log_.durable_offset();
  s.log_max_offset = log_.write_offset();
  s.messages_appended = messages_appended_.load(std::memory_order_relaxed);
  s.bytes_appended = bytes_appended_.load(std::memory_order_relaxed);
  const auto segments = log_.segments();
  s.unit_count = segments.size();
  s.bytes_used = segments.size() * config_.segment_size;
  s.bytes_free = retention_.usage().available;
  return s;
}

void mmap_store::set_arrival_listener(berth_store_arrival_fn fn, void* arg) { listener_.set(fn, arg); }

}  // namespace berth::store_mmap
