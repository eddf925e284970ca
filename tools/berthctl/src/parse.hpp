// Pure parsing and formatting of what a person types and reads: durations ("500ms", "10s",
// "2m", "1m30s"), points in time (ISO-8601 in UTC or with an offset, local date and time, or
// epoch milliseconds), "k=v" properties and "rw" permissions. No I/O; unit-tested without a
// broker (tests/parse_test.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace berth::tools {

// A sum of <number><unit> terms, unit one of ms, s, m, h; the number may have a fraction
// ("1.5s"). "0" alone is zero. Rounded to whole milliseconds. nullopt when malformed.
[[nodiscard]] std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// Milliseconds since the epoch from:
//   "1764000000000"                      epoch milliseconds (digits only)
//   "2026-11-24T10:00:00Z"               UTC; fractions ("10:00:00.250Z") and offsets
//   "2026-11-24T10:00:00+02:00"          ("+02:00", "+0200", "-05") allowed
//   "2026-11-24 10:00:00", "2026-11-24T10:00", "2026-11-24"
//                                        without a zone: local time (TZ)
// nullopt when malformed or out of range.
[[nodiscard]] std::optional<int64_t> parse_time(std::string_view text);

// "2026-11-24T10:00:00.250Z" (UTC, always milliseconds).
[[nodiscard]] std::string format_time(int64_t epoch_ms);

// "name=value" (split at the first '='; the name must not be empty).
[[nodiscard]] std::optional<std::pair<std::string, std::string>> parse_property(
    std::string_view text);

// "rw", "r", "w" to the protocol's perm bits (read 4, write 2), and back ("-" for none).
[[nodiscard]] std::optional<uint8_t> parse_perm(std::string_view text);
[[nodiscard]] std::string format_perm(uint8_t perm);

}  // namespace berth::tools
