// Building config_errors from TOML nodes and putting them in reading order. Private to
// kernel/config.
#pragma once

#include "config/config_error.hpp"

#include <toml++/toml.h>

#include <string>

namespace berth::kernel::config {

config_error make_error(const std::string& file, const toml::source_position& where,
                        std::string key, std::string message, std::string hint = {});

// What the user wrote, for "expected ..., found <...>": "a string", "an integer",
// "a floating-point number", "a boolean", "an array", "a table", "a date/time".
std::string describe_found(const toml::node& node);

// File order (line, then column); errors without a line (file-level) last. Stable, so errors
// at the same place keep the order they were found in.
void sort_by_position(config_errors& errors);

}  // namespace berth::kernel::config
