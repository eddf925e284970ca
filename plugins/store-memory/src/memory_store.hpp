// store-memory: the store contract (berth_store.h, ABI 1.2) over a message_table in memory.
// Appends are visible and acknowledged when append() returns; nothing survives a restart.
//
// Threads: every hook may run on any thread, concurrently. One shared_mutex guards the table:
// appends and retention take it exclusively, reads, lookups and stats shared. Read results
// pin the messages they return, so they stay valid after the lock is released and after
// retention dropped those messages.
#pragma once

#include "message_table.hpp"
#include "retention_timer.hpp"
#include "store_config.hpp"

#include <berth/plugin/store.hpp>

#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <span>

namespace berth::plugins::store_memory {

// Queue entries one read() examines at most when the request leaves max_scan at 0.
inline constexpr uint64_t default_max_scan = 16000;

class memory_store final : public sdk::store_plugin {
 public:
  explicit memory_store(const sdk::host& host);
  ~memory_store() override;
  memory_store(const memory_store&) = delete;
  memory_store& operator=(const memory_store&) = delete;

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
  [[nodiscard]] int64_t clock_ms() const noexcept;

  const sdk::host& host_;
  const store_config config_;
  sdk::metric appended_messages_;
  sdk::metric full_refusals_;
  sdk::metric expired_messages_;
  sdk::metric bytes_used_;

  mutable std::shared_mutex mutex_;
  message_table table_;             // guarded by mutex_
  int64_t last_store_time_ms_ = 0;  // guarded by mutex_
  uint64_t messages_appended_ = 0;  // guarded by mutex_
  uint64_t bytes_appended_ = 0;     // guarded by mutex_

  // Taken before mutex_ is released after an append and held while its arrivals are
  // reported, so that a queue's listener sees max offsets in append order without being
  // called under the table's lock.
  std::mutex arrival_order_;
  sdk::arrival_listener listener_;

  retention_timer retention_timer_;
};

}  // namespace berth::plugins::store_memory
