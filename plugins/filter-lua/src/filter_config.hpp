// filter-lua's config keys: the schema the kernel validates the [[filter]] table against, and
// the values read back from the host once validated.
#pragma once

#include <berth/plugin/host.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace berth::plugins::filter_lua {

// The schema JSON published in the plugin descriptor (keys, defaults, bounds, help).
extern const char* const config_schema;

// The budgets every Lua state of every compiled expression runs under.
struct budgets {
  int instruction_limit = 100000;  // VM instructions per call (and for the chunk's top level)
  size_t memory_limit = 1 << 20;   // bytes one Lua state may hold
};

struct filter_config {
  budgets limits;
  size_t max_script_bytes = 64 << 10;  // longest script text accepted
  std::string script_dir;              // "" = no named scripts
  bool allow_client_scripts = true;    // false: only "@name" expressions
  std::chrono::nanoseconds error_log_interval{std::chrono::seconds(10)};
};

// Read the validated keys (the kernel applied defaults and bounds before create()).
[[nodiscard]] filter_config read_config(const sdk::host& host);

}  // namespace berth::plugins::filter_lua
