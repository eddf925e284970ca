#include "produce/admission.hpp"

#include <fmt/format.h>

namespace berth::kernel::produce {

namespace {

std::string mib(std::uint64_t bytes) {
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

long long ms(std::chrono::nanoseconds d) {
  return static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

}  // namespace

admission::decision admission::try_admit(std::uint64_t bytes, clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (!waiting_.empty()) {
    const auto waited = now - waiting_.begin()->second;
    if (waited > limits_.max_pending_wait) {
      return {nullptr,
              busy_refusal{busy_refusal::limit::wait,
                           fmt::format("broker busy: the oldest of {} appends has waited {} ms "
                                       "for the store (limit {} ms, [broker] "
                                       "produce_max_pending_wait): the disk is behind the "
                                       "produce rate; retry after a pause",
                                       waiting_.size(), ms(waited),
                                       ms(limits_.max_pending_wait))}};
    }
    if (pending_bytes_ + bytes > limits_.max_pending_bytes) {
      return {nullptr,
              busy_refusal{busy_refusal::limit::bytes,
                           fmt::format("broker busy: {} of appends wait for the store, and this "
                                       "request's {} would pass the limit of {} ([broker] "
                                       "produce_max_pending_bytes); retry after a pause",
                                       mib(pending_bytes_), mib(bytes),
                                       mib(limits_.max_pending_bytes))}};
    }
  }
  const std::uint64_t id = next_id_++;
  waiting_.emplace_hint(waiting_.end(), id, now);
  pending_bytes_ += bytes;
  return {ticket_ptr(new ticket(shared_from_this(), id, bytes)), std::nullopt};
}

void admission::release(std::uint64_t id, std::uint64_t bytes) noexcept {
  std::lock_guard lock(mutex_);
  waiting_.erase(id);
  pending_bytes_ -= bytes;
}

std::uint64_t admission::pending_bytes() const {
  std::lock_guard lock(mutex_);
  return pending_bytes_;
}

std::size_t admission::pending_appends() const {
  std::lock_guard lock(mutex_);
  return waiting_.size();
}

}  // namespace berth::kernel::produce
