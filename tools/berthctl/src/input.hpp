// What berthctl reads besides its arguments: a whole file, or standard input for "-".
#pragma once

#include <optional>
#include <string>

namespace berth::tools {

// The file's bytes (stdin's for "-"), or nullopt when it cannot be opened.
[[nodiscard]] std::optional<std::string> read_input(const std::string& path);

}  // namespace berth::tools
