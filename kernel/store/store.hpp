// store: the kernel's C++ face of one store plugin instance. Every call goes straight to the
// plugin's berth_store_ops and returns berth::result (errors carry the plugin's status and
// message). Hooks of ABI 1.2 are called only when the plugin's table has them: a plugin built
// against ABI 1.0 or 1.1 offers sync() alone, and the rest return BERTH_E_UNSUPPORTED.
// Thread-safe: any method may be called from any thread, concurrently (as the ABI allows);
// set_arrival_listener must not be called from inside a listener.
#pragma once

#include "common/result.hpp"
#include "plugin_host/instance.hpp"
#include "store/read_result.hpp"
#include "store/types.hpp"

#include <berth/abi/berth_store.h>

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace berth::kernel::store {

class store {
 public:
  // Wrap a plugin instance; fails unless it is of kind store.
  static result<std::unique_ptr<store>> wrap(plugin_host::instance_ptr instance);
  ~store();  // removes the arrival listener, if one is set
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  [[nodiscard]] const std::string& plugin_name() const { return instance_->plugin().name(); }
  [[nodiscard]] const plugin_host::instance_ptr& instance() const { return instance_; }
  // False for a plugin built against ABI 1.0/1.1: only sync() works.
  [[nodiscard]] bool has_message_ops() const;

  // Append one batch, in order, and wait for its acknowledgement under the store's flush
  // policy. One result per message. The views are borrowed for the call.
  result<std::vector<appended>> append(std::span<const berth_message_view* const> messages);
  // Append one batch without waiting. `callback` runs exactly once: inline when the store
  // refuses the batch (or acknowledges it within the call), otherwise on a store thread, where
  // it must not block or call into the store. The views are borrowed for this call only.
  void append_async(std::span<const berth_message_view* const> messages, append_callback callback);
  // Everything appended before is durable and visible.
  result<void> sync();

  result<read_result> read(const read_query& query);
  // BERTH_E_NOT_FOUND when the queue has never had a message.
  result<queue_bounds> bounds(std::string_view topic, uint32_t queue_id);
  // As bounds(), with a queue that never had a message as 0/0.
  result<queue_bounds> bounds_or_empty(std::string_view topic, uint32_t queue_id);
  // The first queue offset stored at or after time_ms (max offset if none; min if all are).
  result<uint64_t> offset_by_time(std::string_view topic, uint32_t queue_id, int64_t time_ms);
  // BERTH_E_NOT_FOUND when there is no such message; BERTH_E_INVALID for text that is no id.
  result<read_result> lookup_id(std::string_view message_id);
  result<read_result> lookup_key(const key_query& query);

  // now_ms 0 = the real clock.
  result<retention_report> run_retention(uint32_t flags = BERTH_RETENTION_EXPIRED,
                                         int64_t now_ms = 0);
  result<store_stats> stats();

  // Replace the one arrival listener (an empty function removes it). When this returns, the
  // previous listener is not running and will not run again.
  result<void> set_arrival_listener(arrival_listener listener);

 private:
  explicit store(plugin_host::instance_ptr instance);
  [[nodiscard]] berth::error predates(std::string_view operation) const;
  [[nodiscard]] berth::error failed(berth_status status, std::string_view message,
                                    std::string_view operation) const;

  plugin_host::instance_ptr instance_;
  const berth_store_ops* ops_;
  std::mutex listener_mutex_;  // serializes set_arrival_listener
  std::unique_ptr<arrival_listener> listener_;
};

using store_ptr = std::unique_ptr<store>;

}  // namespace berth::kernel::store
