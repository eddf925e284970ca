// Schema defaults are JSON; this turns one into config_tree nodes, applying the same rules as
// a TOML value (units, bounds, enum values). Private to kernel/config.
#pragma once

#include "common/result.hpp"
#include "config/config_tree.hpp"
#include "config/schema.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace berth::kernel::config {

// Store `value` for `spec` at `path` in `out` (array elements at "<path>.<i>"). The error
// message says what does not fit, e.g. `expected a size such as "64MiB", found true`.
result<void> store_json_value(const key_spec& spec, const nlohmann::ordered_json& value,
                              const std::string& path, config_tree& out);

}  // namespace berth::kernel::config
