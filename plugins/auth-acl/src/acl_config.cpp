#include "acl_config.hpp"

namespace berth::auth_acl {

const char* const acl_schema = R"json({
  "keys": {
    "accounts": {"type": "string", "required": true,
                 "help": "TOML file of accounts, roles and permissions (docs/security.md); re-read when it changes and on SIGHUP"},
    "clock_window": {"type": "duration", "default": "5m", "min": "1s", "max": "1d",
                     "help": "a request signed further than this from the broker's clock, either way, is refused (SIGNATURE_EXPIRED)"},
    "check_interval": {"type": "duration", "default": "2s", "min": "0s", "max": "1h",
                       "help": "how often the accounts file is checked for changes; 0s: only on SIGHUP"}
  }
})json";

acl_config read_acl_config(const sdk::host& host) {
  acl_config c;
  c.accounts = host.config_string("accounts");
  c.clock_window = host.config_duration("clock_window");
  c.check_interval = host.config_duration("check_interval");
  return c;
}

}  // namespace berth::auth_acl
