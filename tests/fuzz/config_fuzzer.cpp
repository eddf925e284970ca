// Fuzzes the config front door: arbitrary bytes as berth.toml. Parsing and validation must
// return errors, never crash, hang or leak; every error must name the file.
#include "config/broker_config.hpp"
#include "config/schema.hpp"
#include "config/validate.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

// A plugin schema with every value type, to validate each plugin table against.
const berth::kernel::config::schema& plugin_schema() {
  static const auto parsed = berth::kernel::config::parse_schema(R"json({"keys": {
    "listen": {"type": "string", "help": "h"},
    "segment_size": {"type": "size", "default": "1GiB", "min": "4MiB", "help": "h"},
    "interval": {"type": "duration", "default": "500ms", "help": "h"},
    "flush": {"type": "enum", "values": ["sync", "async"], "default": "async", "help": "h"},
    "count": {"type": "int", "default": 1, "min": 0, "max": 100, "help": "h"},
    "ratio": {"type": "float", "default": 0.5, "help": "h"},
    "enabled": {"type": "bool", "default": true, "help": "h"},
    "peers": {"type": "array", "items": "string", "help": "h"},
    "tls": {"type": "table", "help": "h", "keys": {"certificate": {"type": "string", "help": "h"}}}
  }})json");
  if (!parsed) std::abort();
  return parsed.value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = berth::kernel::config::parse_broker_config(text, "fuzz.toml", "/tmp");
  if (!parsed) {
    for (const auto& e : parsed.error()) {
      if (e.file != "fuzz.toml" || e.to_string().empty()) std::abort();
    }
    return 0;
  }
  static const std::string reserved[] = {"plugin", "id", "log_level", "on_start_error"};
  for (const auto& table : parsed.value().plugin_tables) {
    berth::kernel::config::config_tree tree;
    berth::kernel::config::config_errors errors;
    const berth::kernel::config::validate_context ctx{"fuzz.toml", table.path, table.position, reserved};
    berth::kernel::config::validate_table(*table.table, plugin_schema(), ctx, tree, errors);
  }
  return 0;
}
