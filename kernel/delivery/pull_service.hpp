// PULL with long polling. A pull reads its queue from the offset; when there is nothing new
// it is parked until a message lands in that queue (the store's arrival listener wakes it at
// once) or its hold time ends, and only then answered. A parked pull holds no thread: it is an
// entry in a map and a timer on the kernel's scheduler.
//
// Answers carry the messages as a gathered write straight from the store (message_reply.hpp).
// Statuses: NO_TOPIC, NO_QUEUE, NO_PERMISSION (topic not readable), INVALID_ARGUMENT (group
// name), INVALID_FILTER and FILTER_UNSUPPORTED (the filter), STORE_FAILED, SHUTTING_DOWN (a
// parked pull when the broker stops).
#pragma once

#include "executor/scheduler.hpp"
#include "filter/filter_registry.hpp"
#include "metrics/traffic.hpp"
#include "offset/offset_table.hpp"
#include "protocol/router.hpp"
#include "store/store.hpp"
#include "topic/topic_table.hpp"
#include "trace/trace_hub.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace berth::kernel::delivery {

struct pull_settings {
  // A longer hold_ms is cut to this (RocketMQ clients ask for 15-30 s).
  std::chrono::milliseconds max_hold{60'000};
  // A larger max_messages is cut to this; 0 asks for the default.
  uint32_t max_messages = 1024;
  uint32_t default_messages = 32;
  // max_bytes 0 asks for this; it is also cut to what fits the connection's frame limit.
  uint32_t default_bytes = 4u << 20;
  // Told of every message handed out (DELIVER) and every commit (COMMIT); may be null.
  const trace::trace_hub* traces = nullptr;
  // Counts what is handed out, by group and topic; may be null.
  metrics::traffic* traffic = nullptr;
};

class pull_service {
 public:
  // Each argument outlives the service.
  pull_service(topic::topic_table& topics, store::store& store, offset::offset_table& offsets,
               filter::filter_registry& filters, executor::scheduler& scheduler,
               pull_settings settings = {});
  ~pull_service();
  pull_service(const pull_service&) = delete;
  pull_service& operator=(const pull_service&) = delete;

  void add_handlers(protocol::router& routes);
  // The store's arrival listener: the queue now ends at max_offset. Never blocks.
  void arrived(std::string_view topic, uint32_t queue, uint64_t max_offset);
  // Answer every parked pull SHUTTING_DOWN and wait for running wake-ups. Idempotent.
  void stop();

  // Pulls parked right now (for tests and metrics).
  [[nodiscard]] size_t parked_count() const;

 private:
  using clock = std::chrono::steady_clock;
  struct parked;
  using parked_ptr = std::shared_ptr<parked>;
  using queue_key = std::pair<std::string, uint32_t>;

  void pull(const protocol::request& req, const protocol::responder& answer);
  // Read for `p` and answer, or park it while its hold time lasts.
  void serve(const parked_ptr& p);
  void park(const parked_ptr& p);
  // Take `p` out of the waiting map (true: the caller now serves it).
  bool claim(const parked_ptr& p);
  [[nodiscard]] bool tracing() const { return settings_.traces != nullptr && settings_.traces->active(); }

  topic::topic_table& topics_;
  store::store& store_;
  offset::offset_table& offsets_;
  filter::filter_registry& filters_;
  executor::scheduler& scheduler_;
  pull_settings settings_;
  executor::owner_id owner_ = executor::new_owner();

  mutable std::mutex mutex_;
  std::map<queue_key, std::vector<parked_ptr>> waiting_;
  bool stopped_ = false;
};

}  // namespace berth::kernel::delivery
