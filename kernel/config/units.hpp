// Sizes and durations with units, as written in TOML: "64MiB", "1GB", "500ms", "1h30m".
#pragma once

#include "common/result.hpp"

#include <chrono>
#include <cstdint>
#include <string_view>

namespace berth::kernel::config {

// Binary units B, KiB, MiB, GiB, TiB and decimal units KB, MB, GB, TB (case-sensitive, as
// written), an optional space between number and unit, integer or decimal numbers ("1.5GiB").
// A bare number without unit is bytes. Errors name the problem and list the accepted units.
result<std::uint64_t> parse_size(std::string_view text);

// One or more <number><unit> parts: ns, us, ms, s, m, h, d ("1h30m", "250ms", "1.5s").
// A unit is required. Negative values and overflow are errors.
result<std::chrono::nanoseconds> parse_duration(std::string_view text);

// The canonical text for a value ("1GiB", "500ms"), used by --describe-plugin and messages.
std::string format_size(std::uint64_t bytes);
std::string format_duration(std::chrono::nanoseconds value);

}  // namespace berth::kernel::config
