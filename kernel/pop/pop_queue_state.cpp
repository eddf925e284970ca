#include "pop/pop_queue_state.hpp"

#include <set>

namespace berth::kernel::pop {

pop_queue_state::pop_queue_state(uint64_t next, bool fifo, std::map<uint64_t, pop_entry> entries)
    : next_(next), start_(0), fifo_(fifo), entries_(std::move(entries)) {}

bool pop_queue_state::has_delivered() const {
  for (const auto& [offset, e] : entries_) {
    if (e.attempt > 0) return true;
  }
  return false;
}

std::vector<uint64_t> pop_queue_state::ready(int64_t now_ms, bool fifo) const {
  std::vector<uint64_t> out;
  std::set<std::string_view> groups_ahead;  // message groups with an earlier unfinished message
  for (const auto& [offset, e] : entries_) {
    const bool first_of_group =
        e.message_group.empty() || groups_ahead.insert(e.message_group).second;
    if (fifo && !first_of_group) continue;
    if (e.dead_lettering || e.deadline_ms > now_ms) continue;
    if (e.attempt > 0 && e.attempt >= e.max_attempts) continue;  // the dead-letter topic's
    out.push_back(offset);
  }
  return out;
}

bool pop_queue_state::blocked(std::string_view message_group) const {
  if (message_group.empty()) return false;
  for (const auto& [offset, e] : entries_) {
    if (e.message_group == message_group) return true;
  }
  return false;
}

void pop_queue_state::skip_to(uint64_t offset_after) {
  if (offset_after > next_) next_ = offset_after;
}

void pop_queue_state::hold_back(uint64_t offset, std::string message_group) {
  pop_entry e;
  e.message_group = std::move(message_group);
  entries_.insert_or_assign(offset, std::move(e));
  skip_to(offset + 1);
}

const pop_entry& pop_queue_state::deliver(uint64_t offset, std::string_view message_group,
                                          int64_t deadline_ms, uint64_t nonce,
                                          uint32_t max_attempts, bool fifo) {
  auto [it, added] = entries_.try_emplace(offset);
  pop_entry& e = it->second;
  if (added) e.message_group = std::string(message_group);
  ++e.attempt;
  e.deadline_ms = deadline_ms;
  e.nonce = nonce;
  e.max_attempts = max_attempts;
  fifo_ = fifo;
  skip_to(offset + 1);
  return e;
}

handle_state pop_queue_state::check(uint64_t offset, uint64_t nonce) const {
  if (offset >= next_ || offset < start_) return handle_state::stale;  // not this state's
  const auto it = entries_.find(offset);
  if (it == entries_.end()) return handle_state::finished;
  return it->second.attempt > 0 && it->second.nonce == nonce ? handle_state::current
                                                             : handle_state::stale;
}

bool pop_queue_state::finish(uint64_t offset) { return entries_.erase(offset) > 0; }

void pop_queue_state::change_deadline(uint64_t offset, int64_t deadline_ms, uint64_t nonce) {
  if (const auto it = entries_.find(offset); it != entries_.end()) {
    it->second.deadline_ms = deadline_ms;
    it->second.nonce = nonce;
  }
}

std::vector<uint64_t> pop_queue_state::due_for_dead_letters(int64_t now_ms) const {
  std::vector<uint64_t> out;
  for (const auto& [offset, e] : entries_) {
    if (e.attempt > 0 && e.attempt >= e.max_attempts && e.deadline_ms <= now_ms &&
        !e.dead_lettering) {
      out.push_back(offset);
    }
  }
  return out;
}

void pop_queue_state::set_dead_lettering(uint64_t offset, bool underway) {
  if (const auto it = entries_.find(offset); it != entries_.end()) {
    it->second.dead_lettering = underway;
  }
}

bool pop_queue_state::expired_between(int64_t after_ms, int64_t now_ms) const {
  for (const auto& [offset, e] : entries_) {
    if (e.attempt > 0 && e.deadline_ms > after_ms && e.deadline_ms <= now_ms) return true;
  }
  return false;
}

void pop_queue_state::start_at_least(uint64_t min_offset) {
  if (next_ < min_offset) next_ = min_offset;
  if (start_ < min_offset) start_ = min_offset;
  entries_.erase(entries_.begin(), entries_.lower_bound(min_offset));
}

}  // namespace berth::kernel::pop
