#include "timer/delay_request.hpp"

#include <charconv>

namespace berth::kernel::timer {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::array<milliseconds, max_delay_level> level_delays{
    seconds(1),  seconds(5),  seconds(10), seconds(30), minutes(1),  minutes(2),
    minutes(3),  minutes(4),  minutes(5),  minutes(6),  minutes(7),  minutes(8),
    minutes(9),  minutes(10), minutes(20), minutes(30), hours(1),    hours(2)};

template <class Int>
std::optional<Int> whole_number(std::string_view text) {
  Int value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<milliseconds> delay_of_level(int level) {
  if (level < 1 || level > max_delay_level) return std::nullopt;
  return level_delays[static_cast<size_t>(level - 1)];
}

delay_request parse_delay_request(std::optional<std::string_view> level_text,
                                  std::optional<std::string_view> time_text, int64_t now_ms,
                                  milliseconds max_delay) {
  if (!level_text && !time_text) return no_delay{};
  if (level_text && time_text) {
    return delay_refused{"a message has a delay level (DELAY) or a delivery time "
                         "(TIMER_DELIVER_MS), not both"};
  }
  if (level_text) {
    const auto level = whole_number<int>(*level_text);
    const auto delay = level ? delay_of_level(*level) : std::nullopt;
    if (!delay) {
      return delay_refused{"delay level '" + std::string(*level_text) + "' is not one of 1.." +
                           std::to_string(max_delay_level)};
    }
    return deliver_at{now_ms + delay->count()};
  }
  const auto time = whole_number<int64_t>(*time_text);
  if (!time || *time < 0) {
    return delay_refused{"delivery time '" + std::string(*time_text) +
                         "' is not a Unix time in milliseconds"};
  }
  if (*time > now_ms && *time - now_ms > max_delay.count()) {
    return delay_refused{"delivery time " + std::to_string(*time) + " is " +
                         std::to_string((*time - now_ms) / 1000) +
                         " s ahead, over the broker's maximum of " +
                         std::to_string(max_delay.count() / 1000) + " s"};
  }
  return deliver_at{*time};
}

}  // namespace berth::kernel::timer
