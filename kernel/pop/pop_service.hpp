// POP, ACK and CHANGE_INVISIBLE: consumption where the broker keeps, per (group, topic,
// queue), what each group has in flight (pop_queue_state.hpp). A pop hands out up to 32
// messages, each hidden from other pops for its invisible time and named by a receipt handle
// (receipt_handle.hpp); an ACK finishes a message, a CHANGE_INVISIBLE moves its deadline and
// makes a new handle. A message not acked in time is handed out again with attempt + 1; after
// max_attempts deliveries it goes to the group's dead-letter topic instead. The group's
// committed offset for a queue follows the lowest unfinished message, so PULL tools and
// GROUP_DESCRIBE see its progress.
//
// With fifo, a message is handed out only when no earlier message of its message group
// (property __SHARDINGKEY) is unfinished; other groups go on in parallel.
//
// A pop that finds nothing is parked up to its hold time and served again when a message
// lands in the topic, a message of the group expires, or an ack unblocks a message group.
// A sweep on the scheduler (every 200 ms) finds expired messages, starts dead-letter copies
// and saves the state (<data_dir>/config/pop_state.json) when it changed, at most every
// second, and at stop.
#pragma once

#include "common/result.hpp"
#include "executor/scheduler.hpp"
#include "filter/filter_registry.hpp"
#include "metrics/traffic.hpp"
#include "offset/offset_table.hpp"
#include "pop/pop_queue_state.hpp"
#include "pop/pop_state_file.hpp"
#include "pop/receipt_handle.hpp"
#include "protocol/router.hpp"
#include "store/store.hpp"
#include "topic/topic_table.hpp"
#include "trace/trace_hub.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace berth::kernel::pop {

struct pop_settings {
  // RocketMQ's retryMaxTimes (16) + 1: deliveries before the dead-letter topic, when a POP
  // asks for 0.
  uint32_t default_max_attempts = 17;
  uint32_t max_attempts_limit = 1000;
  // A queue with this many unfinished messages hands out no new ones until acks come
  // (RocketMQ's popInflightMessageThreshold).
  size_t max_unfinished_per_queue = 10'000;
  std::chrono::milliseconds min_invisible{1'000};
  std::chrono::milliseconds max_invisible{12 * 3'600'000};
  std::chrono::milliseconds max_hold{60'000};  // a longer hold_ms is cut to this
  std::chrono::milliseconds sweep_interval{200};
  std::chrono::milliseconds save_interval{1'000};
  // Told of every message handed out (DELIVER) and acknowledged (ACK); may be null.
  const trace::trace_hub* traces = nullptr;
  // Counts what is handed out, by group and topic; may be null.
  metrics::traffic* traffic = nullptr;
};

class pop_service {
 public:
  // Loads (or creates) the key and the state under `data_dir`. Each reference outlives the
  // service.
  static result<std::unique_ptr<pop_service>> open(const std::filesystem::path& data_dir,
                                                   topic::topic_table& topics,
                                                   store::store& store,
                                                   offset::offset_table& offsets,
                                                   filter::filter_registry& filters,
                                                   executor::scheduler& scheduler,
                                                   pop_settings settings = {});
  ~pop_service();
  pop_service(const pop_service&) = delete;
  pop_service& operator=(const pop_service&) = delete;

  void add_handlers(protocol::router& routes);
  // The store's arrival listener. Never blocks, never calls the store.
  void arrived(std::string_view topic, uint32_t queue, uint64_t max_offset);
  // Answer parked pops SHUTTING_DOWN, stop the sweep, save the state. Idempotent.
  void stop();

  [[nodiscard]] size_t parked_count() const;

  struct parked;  // public so that file-local helpers can name it

 private:
  using parked_ptr = std::shared_ptr<parked>;
  struct handed_out;
  struct dead_letter_job;

  pop_service(std::filesystem::path state_file, const secret_key& key, pop_states states,
              topic::topic_table& topics, store::store& store, offset::offset_table& offsets,
              filter::filter_registry& filters, executor::scheduler& scheduler,
              pop_settings settings);

  void pop(const protocol::request& req, const protocol::responder& answer);
  void ack(const protocol::request& req, const protocol::responder& answer);
  [[nodiscard]] bool tracing() const { return settings_.traces != nullptr && settings_.traces->active(); }
  void trace_ack(std::string_view group, std::string_view topic, const receipt& r,
                 const protocol::connection& client,
                 std::chrono::steady_clock::time_point received);
  void change_invisible(const protocol::request& req, const protocol::responder& answer);

  // Collect for `p` and answer, or park it while its hold lasts.
  void serve(const parked_ptr& p);
  // Under mutex_: the queue's state, made (from the committed offset) on first use and made
  // again when someone else moved the committed offset (GROUP_RESET, COMMIT_OFFSET).
  pop_queue_state& state_of(const pop_queue_key& key);
  // Under mutex_: hand out what `key`'s queue has for `p`.
  void take(const parked_ptr& p, const pop_queue_key& key, int64_t now_ms,
            std::vector<handed_out>& out, uint64_t& bytes_left);
  void hand_out(const parked_ptr& p, const pop_queue_key& key, pop_queue_state& state,
                const std::shared_ptr<store::read_result>& read, const berth_message_view& m,
                int64_t now_ms, std::vector<handed_out>& out, uint64_t& bytes_left);
  // Under mutex_: the group's committed offset follows the state.
  void publish_committed(const pop_queue_key& key, const pop_queue_state& state);
  // A verified receipt for (group, topic), or the refusal already answered. The handle may
  // also be one for the group's retry topic (a pop of `topic` hands out its retries too).
  struct verified_receipt {
    receipt r;
    std::string topic;  // the topic the handle's queue belongs to
  };
  std::optional<verified_receipt> verified(std::string_view group, std::string_view topic,
                                           std::string_view handle,
                                           const protocol::responder& answer);

  // Parked pops of (group, topic) are served again (something became ready).
  void wake(std::string_view group, std::string_view topic);
  // Take the parked pops of `topic` that `wanted` picks out of waiting_ (parked_mutex_ held).
  void unpark_if(std::string_view topic, const std::function<bool(const parked_ptr&)>& wanted,
                 std::vector<parked_ptr>& woken);
  // Serve each on the scheduler (never on the caller's thread: the store's, or a lock's).
  void serve_soon(std::vector<parked_ptr> woken);
  bool claim(const parked_ptr& p);
  void schedule_sweep();
  void sweep();
  void dead_letter(const dead_letter_job& job);
  void dead_lettered(const dead_letter_job& job, bool stored);
  void save(bool force);
  [[nodiscard]] uint64_t next_nonce();

  std::filesystem::path state_file_;
  handle_codec codec_;
  topic::topic_table& topics_;
  store::store& store_;
  offset::offset_table& offsets_;
  filter::filter_registry& filters_;
  executor::scheduler& scheduler_;
  pop_settings settings_;
  executor::owner_id owner_ = executor::new_owner();

  // Queue states. Store reads happen under it; the store never calls back into it.
  mutable std::mutex mutex_;
  pop_states states_;
  std::map<pop_queue_key, uint64_t, std::less<>> committed_;  // what we last committed
  std::mt19937_64 nonces_;
  uint32_t rotation_ = 0;
  uint64_t changes_ = 0;
  uint64_t saved_changes_ = 0;
  int64_t last_sweep_ms_ = 0;
  std::chrono::steady_clock::time_point last_save_;

  // Parked pops and arrival generations (taken after mutex_, never before it).
  mutable std::mutex parked_mutex_;
  std::map<std::string, std::vector<parked_ptr>, std::less<>> waiting_;  // by topic
  std::map<std::string, uint64_t, std::less<>> arrivals_;                 // by topic
  bool stopped_ = false;

  std::mutex save_mutex_;  // one save at a time, in order
};

}  // namespace berth::kernel::pop
