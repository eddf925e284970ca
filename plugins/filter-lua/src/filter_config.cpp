#include "filter_config.hpp"

namespace berth::plugins::filter_lua {

const char* const config_schema = R"json({
  "keys": {
    "instruction_limit": {"type": "int", "default": 100000, "min": 1000, "max": 1000000000,
                          "help": "Lua VM instructions one call may run; beyond it: no match"},
    "memory_limit": {"type": "size", "default": "1MiB", "min": "64KiB",
                     "help": "memory one Lua state may hold; an allocation beyond it fails"},
    "max_script_bytes": {"type": "size", "default": "64KiB", "min": "1B",
                         "help": "longest script accepted"},
    "script_dir": {"type": "string", "default": "",
                   "help": "folder whose <name>.lua files are the named scripts (@name)"},
    "allow_client_scripts": {"type": "bool", "default": true,
                             "help": "false: only named scripts (@name) are accepted"},
    "error_log_interval": {"type": "duration", "default": "10s", "min": "0s",
                           "help": "at most one error line per compiled expression this often"}
  }
})json";

filter_config read_config(const sdk::host& host) {
  filter_config config;
  config.limits.instruction_limit = static_cast<int>(host.config_int("instruction_limit"));
  config.limits.memory_limit = static_cast<size_t>(host.config_size("memory_limit"));
  config.max_script_bytes = static_cast<size_t>(host.config_size("max_script_bytes"));
  config.script_dir = host.config_string("script_dir");
  config.allow_client_scripts = host.config_bool("allow_client_scripts");
  config.error_log_interval = host.config_duration("error_log_interval");
  return config;
}

}  // namespace berth::plugins::filter_lua
