// The bookkeeping of one (group, topic, queue) under pop consumption. Pure: no store, no
// clock (times are passed in, ms since the epoch), no locking (pop_service locks).
//
// Offsets below committed() are finished; next() is the pop position, the first offset never
// read. Every unfinished offset in between has an entry: delivered and invisible until its
// deadline, delivered and expired (waiting for its redelivery), or never delivered (attempt 0:
// read by a FIFO pop but held back behind an earlier message of its message group). An
// offset in [committed, next) without an entry is finished: acknowledged, dead-lettered, or
// skipped by the filter.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace berth::kernel::pop {

struct pop_entry {
  uint32_t attempt = 0;       // deliveries so far; 0: held back, never delivered
  int64_t deadline_ms = 0;    // invisible until then; <= now: waiting for (re)delivery
  uint64_t nonce = 0;         // the current handle's
  uint32_t max_attempts = 0;  // after this many deliveries an expired message is dead-lettered
  std::string message_group;  // "" when the message has none (it is its own group)
  bool dead_lettering = false;  // a copy to the dead-letter topic is under way (not persisted)

  bool operator==(const pop_entry&) const = default;
};

// What a handle's (offset, nonce) is in this queue now.
enum class handle_state {
  current,   // the latest delivery of an unfinished message: may be acked or changed
  stale,     // an earlier delivery (redelivered since, or its deadline changed)
  finished,  // acknowledged or dead-lettered
};

class pop_queue_state {
 public:
  explicit pop_queue_state(uint64_t start = 0) : next_(start), start_(start) {}
  // Restored from the state file.
  pop_queue_state(uint64_t next, bool fifo, std::map<uint64_t, pop_entry> entries);

  // The lowest unfinished offset: the group's committed offset for the queue.
  [[nodiscard]] uint64_t committed() const {
    return entries_.empty() ? next_ : std::min(next_, entries_.begin()->first);
  }
  [[nodiscard]] uint64_t next() const { return next_; }
  [[nodiscard]] bool fifo() const { return fifo_; }
  [[nodiscard]] size_t unfinished() const { return entries_.size(); }
  [[nodiscard]] const std::map<uint64_t, pop_entry>& entries() const { return entries_; }
  // Whether any message was handed out and is not finished (its FIFO mode then binds pops).
  [[nodiscard]] bool has_delivered() const;

  // Unfinished offsets that may be handed out at `now`, lowest first: expired or held back,
  // below their max attempts, not being dead-lettered; with `fifo`, only the first unfinished
  // message of each message group.
  [[nodiscard]] std::vector<uint64_t> ready(int64_t now_ms, bool fifo) const;
  // Whether a message of `message_group` read at next() must wait behind an earlier one.
  [[nodiscard]] bool blocked(std::string_view message_group) const;

  // The message at next() is passed over (the filter does not take it): finished.
  void skip_to(uint64_t offset_after);
  // The message at next() waits behind its message group (FIFO).
  void hold_back(uint64_t offset, std::string message_group);
  // Hand out `offset` (an entry, or the message at next()); returns the entry as it now is.
  const pop_entry& deliver(uint64_t offset, std::string_view message_group, int64_t deadline_ms,
                           uint64_t nonce, uint32_t max_attempts, bool fifo);

  [[nodiscard]] handle_state check(uint64_t offset, uint64_t nonce) const;
  // ACK, or a copy in the dead-letter topic: the offset is finished. False if it was not
  // unfinished.
  bool finish(uint64_t offset);
  // CHANGE_INVISIBLE of the current delivery.
  void change_deadline(uint64_t offset, int64_t deadline_ms, uint64_t nonce);

  // Expired offsets out of attempts, not yet being dead-lettered.
  [[nodiscard]] std::vector<uint64_t> due_for_dead_letters(int64_t now_ms) const;
  void set_dead_lettering(uint64_t offset, bool underway);
  // Offsets whose deadline fell in (after_ms, now_ms]: they became ready in between.
  [[nodiscard]] bool expired_between(int64_t after_ms, int64_t now_ms) const;

  // The queue's messages now start at `min_offset` (retention): earlier ones are gone.
  void start_at_least(uint64_t min_offset);

 private:
  uint64_t next_ = 0;
  uint64_t start_ = 0;  // where this state began: earlier offsets are unknown to it
  bool fifo_ = false;
  std::map<uint64_t, pop_entry> entries_;
};

}  // namespace berth::kernel::pop
