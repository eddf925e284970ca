// When a message asks to be delivered: RocketMQ's delay level (property DELAY, 1..18) or an
// absolute time (TIMER_DELIVER_MS, Unix epoch milliseconds). Pure; the produce path and the
// retry path turn the answer into a parked message.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace berth::kernel::timer {

using std::chrono::milliseconds;

// RocketMQ's messageDelayLevel: 1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h.
inline constexpr int max_delay_level = 18;
// The delay of `level` (1..18), or nothing for a level out of range.
std::optional<milliseconds> delay_of_level(int level);

// RocketMQ's default bound on how far ahead a timed message may be (timerMaxDelaySec is 3 days
// there; the issue asks for 40 days).
inline constexpr milliseconds default_max_delay = std::chrono::hours(24 * 40);

// What a message's properties ask for.
struct no_delay {};
struct deliver_at {
  int64_t time_ms = 0;  // absolute; may be in the past (then it is due at once)
};
struct delay_refused {
  std::string reason;  // for the INVALID_DELAY answer
};
using delay_request = std::variant<no_delay, deliver_at, delay_refused>;

// Read `level_text` (the DELAY property, if present) and `time_text` (TIMER_DELIVER_MS, if
// present) at `now_ms`. Both at once, a level outside 1..18, text that is not a number, a
// negative time or one more than `max_delay` ahead are refused, each with its own reason.
delay_request parse_delay_request(std::optional<std::string_view> level_text,
                                  std::optional<std::string_view> time_text, int64_t now_ms,
                                  milliseconds max_delay);

}  // namespace berth::kernel::timer
