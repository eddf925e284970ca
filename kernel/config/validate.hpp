// Check one TOML table against a schema: unknown keys (with near-miss hints), wrong types,
// missing required values, bad units, out-of-range numbers, unknown enum values. Every problem
// becomes one config_error with file, line, column and the dotted key path.
#pragma once

#include "config/config_error.hpp"
#include "config/config_tree.hpp"
#include "config/schema.hpp"

#include <toml++/toml.h>

#include <span>
#include <string>
#include <string_view>

namespace berth::kernel::config {

struct validate_context {
  std::string file;          // for error messages
  std::string table_path;    // e.g. "store" or "transport[1]"; prefixes every key path
  toml::source_position table_position{};  // where the table starts, for "missing" errors
  std::span<const std::string> ignored_keys;  // keys owned by someone else (plugin, id, ...)
};

// Validate `table` against `spec`; fill `out` with every declared key (given or defaulted);
// append problems to `errors`. Returns true when no error was added.
bool validate_table(const toml::table& table, const schema& spec, const validate_context& ctx,
                    config_tree& out, config_errors& errors);

}  // namespace berth::kernel::config
