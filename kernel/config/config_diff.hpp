// Which settings differ between two parsed config files: what SIGHUP compares to tell the
// operator which changes it could not apply and need a restart.
#pragma once

#include "config/broker_config.hpp"

#include <string>
#include <vector>

namespace berth::kernel::config {

// The settings written differently in `after` than in `before`, as the paths errors use:
// "broker.data_dir" for a key of a single table, "transport[1]" for one table of an array
// (added, removed or changed), "auth" for a whole table only one side has. Values are
// compared as written (normalized: order, spacing and comments do not count), so writing out
// a default counts as a change. Sorted by table name, then key or element.
std::vector<std::string> changed_settings(const broker_config& before, const broker_config& after);

}  // namespace berth::kernel::config
