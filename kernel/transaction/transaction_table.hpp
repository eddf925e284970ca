// transaction_table: the broker's memory of unresolved half messages (by half queue offset)
// and what a restart needs to find them again quickly (checkpoint). No I/O: the service reads
// and writes the store and the checkpoint file around it. Thread-safe.
//
// A resolution claims its half first, so that two resolutions of one transaction never run at
// once (the second is told BUSY); the claim ends with resolved() or release().
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::kernel::transaction {

struct pending_half {
  uint64_t offset = 0;  // in the half topic's queue 0
  std::string transaction_id;
  std::string message_id;  // the half's own id, which END_TRANSACTION may name too
  std::string producer_group;
  int64_t store_time_ms = 0;
  uint32_t checks = 0;  // check-backs pushed so far
  // Its committed copy may exist already (a commit stored it but not its op record, or the
  // broker restarted): look for the copy before appending or asking the producer again.
  bool maybe_committed = false;
};

// What <data_dir>/config/transactions.json keeps (checkpoint_file.hpp).
struct checkpoint {
  uint64_t resolved_below = 0;  // every half below this offset is resolved
  uint64_t ops_from = 0;        // op records below this name only halves below resolved_below
  std::map<uint64_t, uint32_t> checks;  // check-backs made of pending halves, by offset
  bool operator==(const checkpoint&) const = default;
};

enum class claim_status : uint8_t {
  claimed,
  not_pending,  // no unresolved half at that offset: resolved already, or never a half
  mismatch,     // a pending half, but of another transaction id or producer group
  busy,         // another resolution of it is running
};

struct claim {
  claim_status status = claim_status::not_pending;
  pending_half half;  // a copy, when claimed (or mismatch/busy: what is pending there)
};

class transaction_table {
 public:
  explicit transaction_table(checkpoint start = {});

  // A half message's append began; it ends with half_appended or half_append_failed. While
  // any is in flight the checkpoint does not advance (its offset is not known yet).
  void half_appending();
  void half_appended(pending_half half);
  void half_append_failed();

  // Recovery: a half found unresolved, a resolution found in the op topic, and how far the
  // half and op queues reach.
  void restore(pending_half half);
  void restore_resolution(uint64_t half_offset, uint64_t op_offset);
  void restore_extent(uint64_t half_end, uint64_t op_end);
  [[nodiscard]] bool resolved_since_checkpoint(uint64_t half_offset) const;

  // END_TRANSACTION: claim the half at `offset` if it is transaction `id` (or the half's
  // message id) of `group`.
  claim claim_for(uint64_t offset, std::string_view id, std::string_view group);
  // The check service: claim the half at `offset`, whoever's it is.
  claim claim_any(uint64_t offset);
  // The claim ends without a resolution; whether a committed copy may exist now.
  void release(uint64_t offset, bool maybe_committed);
  // The claim ends: its op record is at `op_offset`.
  void resolved(uint64_t half_offset, uint64_t op_offset);
  // The claim ends: the half is gone from the store (retention); nothing to resolve.
  void forget(uint64_t half_offset);

  // Unclaimed halves stored at least `timeout_ms` before `now_ms`, oldest first.
  [[nodiscard]] std::vector<pending_half> due(int64_t now_ms, int64_t timeout_ms) const;
  void count_check(uint64_t offset);

  [[nodiscard]] size_t pending_count() const;
  [[nodiscard]] std::optional<pending_half> find(uint64_t offset) const;
  // What a restart needs now (monotonic: it never goes back).
  checkpoint take_checkpoint();

 private:
  struct entry {
    pending_half half;
    bool claimed = false;
  };

  mutable std::mutex mutex_;
  std::map<uint64_t, entry> pending_;
  std::map<uint64_t, uint64_t> resolved_;  // half offset -> op offset, at or over the checkpoint
  uint64_t half_end_ = 0;                  // one past the highest half offset seen
  uint64_t op_end_ = 0;                    // one past the highest op offset seen
  unsigned appends_in_flight_ = 0;
  unsigned claims_ = 0;
  checkpoint last_;
};

}  // namespace berth::kernel::transaction
