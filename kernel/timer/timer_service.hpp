// Delayed and timed messages. A message due later is parked in the timer topic
// (rmq_sys_wheel_timer, one queue) carrying where it really goes (REAL_TOPIC, REAL_QID) and
// when (TIMER_DELIVER_MS). The service loads every parked message into a timer_wheel (16 bytes
// each: its fire time and timer-queue offset, never its body) and, when it is due, reads it back
// and appends a copy to its real topic, where consumers see it. The commit log is the durable
// timer log; timer.json records how far it is finished (timer_checkpoint.hpp), so a restart
// rescans only the unfinished part and delivers at least once.
//
// A message parked longer than `roll_after` is parked again (a fresh copy, same delivery
// time) before the store's retention could remove the segment holding it.
//
// A parked message can be recalled (RECALL): it is then never delivered. The recall is itself
// a record in the timer topic (a tombstone naming the message's offset), so a restart, which
// loads the message and then its tombstone, does not deliver it either.
//
// Work runs on the kernel scheduler, one run at a time: loading arrivals, delivering what is
// due, saving the checkpoint at most every `checkpoint_interval`. Idle, it wakes only when the
// earliest timer is due (at least every max_sleep, against clock jumps).
#pragma once

#include "common/result.hpp"
#include "executor/scheduler.hpp"
#include "store/message_builder.hpp"
#include "store/store.hpp"
#include "timer/delay_request.hpp"
#include "timer/finished_offsets.hpp"
#include "timer/timer_checkpoint.hpp"
#include "timer/timer_wheel.hpp"
#include "topic/topic_table.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_set>

namespace berth::kernel::timer {

struct timer_settings {
  std::filesystem::path checkpoint_file;
  milliseconds max_delay = default_max_delay;
  milliseconds roll_after = std::chrono::hours(24);
  milliseconds checkpoint_interval = std::chrono::seconds(1);
  milliseconds max_sleep = std::chrono::seconds(10);
  std::function<int64_t()> clock;  // Unix ms; empty = the system clock (tests set their own)
  bool automatic = true;           // false: nothing is scheduled, tests call run_due()
};

class timer_service {
 public:
  // Read the checkpoint and load every unfinished parked message (the timer topic itself is
  // created by the first park()). Fails on a damaged checkpoint (naming it) or a store that cannot be read.
  static result<std::unique_ptr<timer_service>> open(topic::topic_table& topics,
                                                     store::store& store,
                                                     executor::scheduler& scheduler,
                                                     timer_settings settings);
  ~timer_service();
  timer_service(const timer_service&) = delete;
  timer_service& operator=(const timer_service&) = delete;

  [[nodiscard]] milliseconds max_delay() const { return settings_.max_delay; }
  [[nodiscard]] int64_t now_ms() const;

  // Park `message` (built for its real topic and queue) until `deliver_ms`. `done` runs once,
  // on a store thread or inline, with what the timer queue assigned.
  void park(store::message_builder message, int64_t deliver_ms,
            std::function<void(result<store::appended>)> done);
  // Recall the message parked at timer-queue `offset` (as its SEND answer named it) for
  // `topic`, whose id (the broker's, or the producer's UNIQ_KEY) is `message_id`: it will not
  // be delivered. `done` runs once, with success once the recall is stored, or BERTH_E_NOT_FOUND
  // when no pending message matches (delivered, recalled, parked again after a day, or
  // another topic or id).
  void recall(std::string_view topic, uint64_t offset, std::string_view message_id,
              std::function<void(result<void>)> done);
  // The store's arrival listener, for the timer topic: new parked messages up to max_offset.
  void arrived(uint64_t max_offset);
  // Load what arrived and deliver what is due, on the calling thread; returns how many
  // messages were delivered or parked again. Tests with their own clock drive the service so.
  size_t run_due();
  // Stop scheduling, wait for a run in progress, save the checkpoint. Idempotent.
  void stop();

  [[nodiscard]] size_t pending() const { return pending_.load(std::memory_order_relaxed); }

 private:
  timer_service(topic::topic_table& topics, store::store& store, executor::scheduler& scheduler,
                timer_settings settings, timer_checkpoint restored);

  void note_arrival(uint64_t max_offset);
  result<void> load_arrivals();  // work_mutex_ held
  void add_parked(const berth_message_view& parked);
  // Whether `parked` is a recall's tombstone; if so, its recall is noted.
  bool note_tombstone(const berth_message_view& parked);
  result<void> check_recallable(std::string_view topic, uint64_t offset,
                                std::string_view message_id);  // work_mutex_ held
  int64_t fire_time(const berth_message_view& parked) const;
  size_t deliver(const std::vector<timer_wheel::entry>& due, int64_t now);
  std::optional<int64_t> next_run_ms(int64_t now) const;
  void save_checkpoint();
  void request_run(int64_t at_ms);
  void on_wake();

  topic::topic_table& topics_;
  store::store& store_;
  executor::scheduler& scheduler_;
  const timer_settings settings_;
  const executor::owner_id owner_;
  const timer_checkpoint restored_;  // what the last run had finished

  std::mutex work_mutex_;  // one run at a time; guards everything below up to schedule_mutex_
  timer_wheel wheel_;
  finished_offsets finished_;
  std::unordered_set<uint64_t> recalled_;  // pending offsets that are not to be delivered
  uint64_t loaded_to_ = 0;
  timer_checkpoint quiet_{};  // loaded_to / fired_to at the last point where nothing due was open
  bool dirty_ = false;
  int64_t last_save_ms_ = 0;

  std::atomic<uint64_t> arrived_to_{0};
  std::atomic<size_t> pending_{0};

  std::mutex schedule_mutex_;
  bool stopped_ = false;
  executor::task_id wake_task_ = 0;
  int64_t wake_at_ms_ = 0;
};

}  // namespace berth::kernel::timer
