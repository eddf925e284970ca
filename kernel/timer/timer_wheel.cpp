#include "timer/timer_wheel.hpp"

#include <algorithm>
#include <limits>

namespace berth::kernel::timer {
namespace {

// Floor division: timers before 1970 are refused upstream, but the arithmetic stays exact.
int64_t floor_div(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void move_all(std::vector<timer_wheel::entry>& from, std::vector<timer_wheel::entry>& to) {
  to.insert(to.end(), from.begin(), from.end());
  from.clear();
  from.shrink_to_fit();  // a slot that held a burst should not keep its capacity
}

}  // namespace

timer_wheel::timer_wheel(int64_t now_ms)
    : hour_(floor_div(now_ms, ms_per_hour)), cursor_second_(floor_div(now_ms, ms_per_second)) {}

std::vector<timer_wheel::entry>& timer_wheel::near_slot(int64_t second) {
  return near_[static_cast<size_t>(second - hour_ * seconds_per_hour)];
}
const std::vector<timer_wheel::entry>& timer_wheel::near_slot(int64_t second) const {
  return near_[static_cast<size_t>(second - hour_ * seconds_per_hour)];
}

void timer_wheel::add(entry e) {
  ++size_;
  const int64_t second = floor_div(e.fire_ms, ms_per_second);
  const int64_t hour = floor_div(e.fire_ms, ms_per_hour);
  if (second < cursor_second_) {
    overdue_.push_back(e);
  } else if (hour == hour_) {
    near_slot(second).push_back(e);
    ++near_count_;
  } else {
    far_[hour].push_back(e);
  }
}

void timer_wheel::take_near(int64_t last_second, int64_t now_ms, std::vector<entry>& due) {
  const int64_t hour_end = (hour_ + 1) * seconds_per_hour;
  for (int64_t s = cursor_second_; s <= last_second && s < hour_end && near_count_ > 0; ++s) {
    std::vector<entry>& slot = near_slot(s);
    if (slot.empty()) continue;
    const auto keep = std::partition(slot.begin(), slot.end(),
                                     [now_ms](const entry& e) { return e.fire_ms > now_ms; });
    const auto taken = static_cast<size_t>(slot.end() - keep);
    due.insert(due.end(), keep, slot.end());
    slot.erase(keep, slot.end());
    near_count_ -= taken;
    if (slot.empty()) slot.shrink_to_fit();
  }
}

void timer_wheel::start_hour(int64_t hour, std::vector<entry>& due) {
  // Everything still near belongs to an hour that has passed.
  if (near_count_ > 0) {
    for (std::vector<entry>& slot : near_) move_all(slot, due);
    near_count_ = 0;
  }
  while (!far_.empty() && far_.begin()->first < hour) {
    move_all(far_.begin()->second, due);
    far_.erase(far_.begin());
  }
  hour_ = hour;
  cursor_second_ = std::max(cursor_second_, hour * seconds_per_hour);
  if (auto it = far_.find(hour); it != far_.end()) {
    for (const entry& e : it->second) {
      const int64_t second = floor_div(e.fire_ms, ms_per_second);
      if (second < cursor_second_) {
        due.push_back(e);
      } else {
        near_slot(second).push_back(e);
        ++near_count_;
      }
    }
    far_.erase(it);
  }
}

std::vector<timer_wheel::entry> timer_wheel::take_due(int64_t now_ms) {
  std::vector<entry> due;
  due.swap(overdue_);
  const int64_t now_second = floor_div(now_ms, ms_per_second);
  const int64_t now_hour = floor_div(now_ms, ms_per_hour);
  if (now_hour > hour_) {
    take_near(now_second, now_ms, due);
    start_hour(now_hour, due);
  }
  take_near(now_second, now_ms, due);
  // The current second may still hold entries later in it: keep the cursor on it.
  cursor_second_ = std::max(cursor_second_, now_second);
  size_ -= due.size();
  std::sort(due.begin(), due.end(), [](const entry& a, const entry& b) {
    return a.fire_ms != b.fire_ms ? a.fire_ms < b.fire_ms : a.offset < b.offset;
  });
  return due;
}

std::optional<int64_t> timer_wheel::next_wake_ms() const {
  if (!overdue_.empty()) return std::numeric_limits<int64_t>::min();
  if (near_count_ > 0) {
    for (int64_t s = cursor_second_; s < (hour_ + 1) * seconds_per_hour; ++s) {
      const std::vector<entry>& slot = near_slot(s);
      if (slot.empty()) continue;
      return std::min_element(slot.begin(), slot.end(), [](const entry& a, const entry& b) {
               return a.fire_ms < b.fire_ms;
             })->fire_ms;
    }
  }
  if (!far_.empty()) return far_.begin()->first * ms_per_hour;
  return std::nullopt;
}

}  // namespace berth::kernel::timer
