#include "transaction/transaction_table.hpp"

#include <algorithm>

namespace berth::kernel::transaction {

transaction_table::transaction_table(checkpoint start)
    : half_end_(start.resolved_below), op_end_(start.ops_from), last_(std::move(start)) {}

void transaction_table::half_appending() {
  std::lock_guard lock(mutex_);
  ++appends_in_flight_;
}

void transaction_table::half_appended(pending_half half) {
  std::lock_guard lock(mutex_);
  --appends_in_flight_;
  half_end_ = std::max(half_end_, half.offset + 1);
  const uint64_t offset = half.offset;
  pending_[offset] = entry{std::move(half), false};
}

void transaction_table::half_append_failed() {
  std::lock_guard lock(mutex_);
  --appends_in_flight_;
}

void transaction_table::restore(pending_half half) {
  std::lock_guard lock(mutex_);
  half_end_ = std::max(half_end_, half.offset + 1);
  const uint64_t offset = half.offset;
  pending_[offset] = entry{std::move(half), false};
}

void transaction_table::restore_resolution(uint64_t half_offset, uint64_t op_offset) {
  std::lock_guard lock(mutex_);
  op_end_ = std::max(op_end_, op_offset + 1);
  if (half_offset >= last_.resolved_below) resolved_.emplace(half_offset, op_offset);
}

void transaction_table::restore_extent(uint64_t half_end, uint64_t op_end) {
  std::lock_guard lock(mutex_);
  half_end_ = std::max(half_end_, half_end);
  op_end_ = std::max(op_end_, op_end);
}

bool transaction_table::resolved_since_checkpoint(uint64_t half_offset) const {
  std::lock_guard lock(mutex_);
  return resolved_.contains(half_offset);
}

claim transaction_table::claim_for(uint64_t offset, std::string_view id, std::string_view group) {
  std::lock_guard lock(mutex_);
  const auto it = pending_.find(offset);
  if (it == pending_.end()) return {claim_status::not_pending, {}};
  entry& e = it->second;
  const bool same = !id.empty() && (e.half.transaction_id == id || e.half.message_id == id) &&
                    e.half.producer_group == group;
  if (!same) return {claim_status::mismatch, e.half};
  if (e.claimed) return {claim_status::busy, e.half};
  e.claimed = true;
  ++claims_;
  return {claim_status::claimed, e.half};
}

claim transaction_table::claim_any(uint64_t offset) {
  std::lock_guard lock(mutex_);
  const auto it = pending_.find(offset);
  if (it == pending_.end()) return {claim_status::not_pending, {}};
  if (it->second.claimed) return {claim_status::busy, it->second.half};
  it->second.claimed = true;
  ++claims_;
  return {claim_status::claimed, it->second.half};
}

void transaction_table::release(uint64_t offset, bool maybe_committed) {
  std::lock_guard lock(mutex_);
  const auto it = pending_.find(offset);
  if (it == pending_.end() || !it->second.claimed) return;
  it->second.claimed = false;
  it->second.half.maybe_committed = maybe_committed;
  --claims_;
}

void transaction_table::resolved(uint64_t half_offset, uint64_t op_offset) {
  std::lock_guard lock(mutex_);
  const auto it = pending_.find(half_offset);
  if (it != pending_.end()) {
    if (it->second.claimed) --claims_;
    pending_.erase(it);
  }
  resolved_[half_offset] = op_offset;
  op_end_ = std::max(op_end_, op_offset + 1);
}

void transaction_table::forget(uint64_t half_offset) {
  std::lock_guard lock(mutex_);
  const auto it = pending_.find(half_offset);
  if (it == pending_.end()) return;
  if (it->second.claimed) --claims_;
  pending_.erase(it);
}

std::vector<pending_half> transaction_table::due(int64_t now_ms, int64_t timeout_ms) const {
  std::lock_guard lock(mutex_);
  std::vector<pending_half> out;
  for (const auto& [offset, e] : pending_) {
    if (!e.claimed && e.half.store_time_ms + timeout_ms <= now_ms) out.push_back(e.half);
  }
  return out;
}

void transaction_table::count_check(uint64_t offset) {
  std::lock_guard lock(mutex_);
  if (const auto it = pending_.find(offset); it != pending_.end()) ++it->second.half.checks;
}

size_t transaction_table::pending_count() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

std::optional<pending_half> transaction_table::find(uint64_t offset) const {
  std::lock_guard lock(mutex_);
  const auto it = pending_.find(offset);
  if (it == pending_.end()) return std::nullopt;
  return it->second.half;
}

checkpoint transaction_table::take_checkpoint() {
  std::lock_guard lock(mutex_);
  checkpoint next;
  // A half whose append is in flight has no offset yet: nothing may be declared resolved.
  next.resolved_below = appends_in_flight_ > 0 ? last_.resolved_below
                        : pending_.empty()      ? half_end_
                                                : pending_.begin()->first;
  next.resolved_below = std::max(next.resolved_below, last_.resolved_below);
  resolved_.erase(resolved_.begin(), resolved_.lower_bound(next.resolved_below));
  // An op record being appended (a claim) has no offset yet either.
  next.ops_from = claims_ > 0 ? last_.ops_from : op_end_;
  for (const auto& [half, op] : resolved_) next.ops_from = std::min(next.ops_from, op);
  next.ops_from = std::max(next.ops_from, last_.ops_from);
  for (const auto& [offset, e] : pending_) {
    if (e.half.checks > 0) next.checks[offset] = e.half.checks;
  }
  last_ = next;
  return next;
}

}  // namespace berth::kernel::transaction
