// "did you mean ...?" for misspelled keys, tables, plugin names and enum values.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace berth::kernel::config {

// The candidate closest to `word` by edit distance (Damerau-Levenshtein, case-insensitive),
// if it is close enough to be a plausible typo: distance <= max(1, len/3). Ties go to the
// earlier candidate.
std::optional<std::string> closest_match(std::string_view word,
                                         std::span<const std::string> candidates);

}  // namespace berth::kernel::config
