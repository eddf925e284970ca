// admission: the broker-wide bound on produce. An append handed to the store holds its place
// until the store acknowledges it (with flush = "sync": once on disk). While the appends
// waiting so hold more than `max_pending_bytes`, or the oldest of them has waited longer than
// `max_pending_wait`, a new SEND/SEND_BATCH is refused with BUSY (the producer retries after a
// pause) instead of growing the backlog the disk has to catch up with.
// Thread-safe: any network or store thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace berth::kernel::produce {

struct admission_limits {
  // Bytes of request bodies handed to the store and not yet acknowledged. One request is
  // always let in when nothing waits, whatever its size.
  std::uint64_t max_pending_bytes = 64u << 20;
  // Age of the oldest append not yet acknowledged.
  std::chrono::nanoseconds max_pending_wait = std::chrono::seconds(1);
};

// Why a new append was refused: which limit was over, for the metric's label and the words.
struct busy_refusal {
  enum class limit : std::uint8_t { bytes, wait };
  limit over = limit::bytes;
  std::string message;  // says what is over which limit and that the client should retry
};

class admission : public std::enable_shared_from_this<admission> {
 public:
  using clock = std::chrono::steady_clock;

  // The place of one admitted append; dropping it (the last copy) gives the place back.
  class ticket {
   public:
    ticket(const ticket&) = delete;
    ticket& operator=(const ticket&) = delete;
    ~ticket() { owner_->release(id_, bytes_); }

   private:
    friend class admission;
    ticket(std::shared_ptr<admission> owner, std::uint64_t id, std::uint64_t bytes)
        : owner_(std::move(owner)), id_(id), bytes_(bytes) {}
    std::shared_ptr<admission> owner_;  // a store may answer after the handlers are gone
    std::uint64_t id_;
    std::uint64_t bytes_;
  };
  using ticket_ptr = std::shared_ptr<ticket>;

  static std::shared_ptr<admission> create(admission_limits limits) {
    return std::shared_ptr<admission>(new admission(limits));
  }
  admission(const admission&) = delete;
  admission& operator=(const admission&) = delete;

  // A ticket for an append of `bytes` starting at `now`, or why it must wait.
  struct decision {
    ticket_ptr admitted;                 // set when let in
    std::optional<busy_refusal> busy;    // set when refused
  };
  decision try_admit(std::uint64_t bytes, clock::time_point now = clock::now());

  [[nodiscard]] std::uint64_t pending_bytes() const;
  [[nodiscard]] std::size_t pending_appends() const;
  [[nodiscard]] const admission_limits& limits() const { return limits_; }

 private:
  explicit admission(admission_limits limits) : limits_(limits) {}
  void release(std::uint64_t id, std::uint64_t bytes) noexcept;

  const admission_limits limits_;
  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 0;
  std::uint64_t pending_bytes_ = 0;
  std::map<std::uint64_t, clock::time_point> waiting_;  // by admission order: oldest first
};

}  // namespace berth::kernel::produce
