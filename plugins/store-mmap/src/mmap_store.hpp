// store-mmap: the plugin. Opens and recovers the store in its constructor, then runs three
// threads: the flusher (durability), the dispatcher (consume queues, key index, arrival
// notices) and the housekeeper (checkpoints, retention, disk use).
#pragma once

#include "appender.hpp"
#include "commit_log.hpp"
#include "dispatcher.hpp"
#include "flusher.hpp"
#include "key_index.hpp"
#include "periodic.hpp"
#include "queue_table.hpp"
#include "reader.hpp"
#include "retention.hpp"
#include "store_config.hpp"

#include <berth/plugin/store.hpp>

#include <atomic>
#include <mutex>
#include <memory>

namespace berth::store_mmap {

class mmap_store final : public sdk::store_plugin {
 public:
  explicit mmap_store(sdk::host& host);
  ~mmap_store() override;

  void sync() override;
  void append(std::span<const berth_message_view* const> messages,
              std::span<berth_append_result> results, sdk::append_ack ack) override;
  sdk::read_batch_ptr read(const sdk::read_request& request) override;
  std::optional<sdk::queue_range> queue_bounds(std::string_view topic, uint32_t queue_id) override;
  std::optional<uint64_t> offset_by_time(std::string_view topic, uint32_t queue_id,
                                         int64_t time_ms) override;
  sdk::read_batch_ptr lookup_id(std::string_view message_id) override;
  sdk::read_batch_ptr lookup_key(std::string_view topic, std::string_view key, int64_t begin_ms,
                                 int64_t end_ms, uint32_t max_messages) override;
  berth_retention_report run_retention(int64_t now_ms, uint32_t flags) override;
  berth_store_stats stats() override;
  void set_arrival_listener(berth_store_arrival_fn fn, void* arg) override;

 private:
  void recover();
  void housekeeping();
  // Re-read the file system's usage; tell the operator when appends start or stop being refused.
  void refresh_disk_state();
  // The disk_full gauge: past the ratio, or an append met ENOSPC and none succeeded since.
  void publish_disk_full();
  // An append failed for lack of space (`what`): said once, until an append succeeds again.
  void note_out_of_space(const std::string& what);
  void note_space_back();
  // Log a housekeeping failure once (until it changes), and when housekeeping works again.
  void report_housekeeping(const std::string& problems);
  void write_checkpoint_now();
  [[nodiscard]] uint64_t visible_limit() const;
  [[nodiscard]] int64_t now_ms() const;

  sdk::host& host_;
  const store_config config_;
  commit_log log_;
  queue_table queues_;
  key_index index_;
  sdk::arrival_listener listener_;
  appender appender_;
  retention retention_;
  flusher flusher_;
  dispatcher dispatcher_;
  reader reader_;
  periodic housekeeper_;
  uint64_t checkpointed_ = 0;  // housekeeper thread only
  std::string checkpoint_held_;  // housekeeper thread only: why a queue or index sync failed
  uint64_t syncs_reported_ = 0;  // housekeeper thread only: flusher syncs already counted
  std::string housekeeping_problems_;  // housekeeper thread only: what failed last time
  std::atomic<bool> out_of_space_{false};
  std::mutex disk_full_mutex_;  // orders updates of the disk_full gauge
  std::atomic<uint64_t> messages_appended_{0};
  std::atomic<uint64_t> bytes_appended_{0};
  sdk::metric appended_metric_;
  sdk::metric syncs_metric_;
  sdk::metric flush_seconds_metric_;
  sdk::metric fenced_metric_;
  sdk::metric disk_full_metric_;
};

}  // namespace berth::store_mmap
