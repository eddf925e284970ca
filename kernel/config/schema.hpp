// The declared shape of one config table: what a plugin publishes as its config_schema (a
// JSON string) and what the kernel declares for its own tables.
//
// Schema JSON:
//   { "keys": { "<key>": { "type": "string|bool|int|float|size|duration|enum|array|table",
//                          "help": "one line",
//                          "default": <value; sizes and durations as strings like "1GiB">,
//                          "required": true|false,             (default false)
//                          "min": <number or size/duration string>, "max": ...,
//                          "values": ["a", "b"],               (enum only)
//                          "items": "string|int|float|bool",   (array only)
//                          "keys": { ... }                     (table only, nested) } } }
// Key order is kept as written (for --describe-plugin).
#pragma once

#include "common/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::kernel::config {

enum class value_type : std::uint8_t { string, boolean, integer, floating, size, duration,
                                       enumeration, array, table };

std::string_view to_string(value_type type);

struct key_spec {
  std::string name;
  value_type type = value_type::string;
  std::string help;
  bool required = false;
  // The default exactly as the schema wrote it, as JSON text (e.g. "\"1GiB\"", "10", "true");
  // empty when there is none. Validated against the type when the schema is parsed.
  std::string default_json;
  // Bounds, in the key's own unit (bytes, nanoseconds, or the number itself).
  std::optional<double> min;
  std::optional<double> max;
  std::vector<std::string> values;  // enumeration
  value_type items = value_type::string;  // array element type
  std::vector<key_spec> keys;             // table members
};

struct schema {
  std::vector<key_spec> keys;
  [[nodiscard]] const key_spec* find(std::string_view name) const;
};

// Parse and check a schema. A malformed schema is a plugin bug: the error says what is wrong
// with which key.
result<schema> parse_schema(std::string_view json);

}  // namespace berth::kernel::config
