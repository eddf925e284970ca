// The kernel's own tables, declared in the same schema language plugins use, so one validator
// checks everything and --describe prints kernel and plugin keys alike.
#include "config/broker_config.hpp"

namespace berth::kernel::config {

const std::string& broker_table_schema_json() {
  static const std::string json = R"({"keys": {
  "name": {"type": "string", "default": "berth-1",
           "help": "this broker's name in logs, metrics and client responses"},
  "data_dir": {"type": "string", "default": "./data",
               "help": "where stores keep their files; relative to the working directory"},
  "log_level": {"type": "enum",
                "values": ["trace", "debug", "info", "warn", "error", "critical", "off"],
                "default": "info", "help": "the kernel's log level and every plugin's default"},
  "shutdown_timeout": {"type": "duration", "default": "10s", "min": "0s",
                       "help": "how long a shutdown waits for in-flight work"},
  "auto_create_topics": {"type": "bool", "default": true,
                         "help": "create an unknown topic on its first message"},
  "default_queues": {"type": "int", "default": 4, "min": 1, "max": 1024,
                     "help": "queues of an auto-created topic"},
  "max_delay": {"type": "duration", "default": "40d", "min": "1s", "max": "400d",
                "help": "how far ahead a timed message (TIMER_DELIVER_MS) may be"},
  "max_reconsume": {"type": "int", "default": 16, "min": 0, "max": 1000,
                    "help": "failed deliveries before a message goes to its group's %DLQ% topic"},
  "produce_max_pending_bytes": {"type": "size", "default": "64MiB", "min": "64KiB", "max": "16GiB",
                                "help": "request bytes of sends handed to the store and not yet acknowledged (on disk with flush = sync); beyond this a send is answered BUSY"},
  "produce_max_pending_wait": {"type": "duration", "default": "1s", "min": "1ms", "max": "1h",
                               "help": "while the oldest send not yet acknowledged by the store has waited longer than this, sends are answered BUSY"}
}})";
  return json;
}

const std::string& plugins_table_schema_json() {
  static const std::string json = R"({"keys": {
  "search_path": {"type": "array", "items": "string", "default": [],
                  "help": "where libberth-<kind>-<name>.so is looked up, in order"}
}})";
  return json;
}

const std::string& transaction_table_schema_json() {
  static const std::string json = R"({"keys": {
  "check_interval": {"type": "duration", "default": "30s", "min": "1ms",
                     "help": "how often unresolved transactions are checked back"},
  "timeout": {"type": "duration", "default": "6s", "min": "0s",
              "help": "a half message younger than this is not checked back yet"},
  "max_checks": {"type": "int", "default": 15, "min": 1, "max": 1000,
                 "help": "check-backs before an unresolved transaction is rolled back"}
}})";
  return json;
}

const std::string& admin_table_schema_json() {
  static const std::string json = R"json({"keys": {
  "enabled": {"type": "bool", "default": true,
              "help": "serve /metrics, /healthz, /readyz, the JSON API and the dashboard"},
  "listen": {"type": "string", "default": "127.0.0.1:10980",
             "help": "address:port of the admin HTTP listener (IPv6 in brackets; port 0 picks one)"},
  "max_request_size": {"type": "size", "default": "64KiB", "min": "1KiB", "max": "16MiB",
                       "help": "largest request (headers and body); a bigger one is answered 413"},
  "idle_timeout": {"type": "duration", "default": "30s", "min": "1s",
                   "help": "an admin connection idle this long is closed"},
  "max_connections": {"type": "int", "default": 64, "min": 1, "max": 10000,
                      "help": "admin connections beyond this are closed at once"}
}})json";
  return json;
}

const std::string& reserved_plugin_keys_schema_json() {
  static const std::string json = R"({"keys": {
  "plugin": {"type": "string", "required": true,
             "help": "the plugin to load, libberth-<kind>-<plugin>.so"},
  "id": {"type": "string",
         "help": "names this instance in logs and metrics; default <kind>-<plugin>[-<n>]"},
  "log_level": {"type": "enum",
                "values": ["trace", "debug", "info", "warn", "error", "critical", "off"],
                "help": "this instance's log level; default broker.log_level"},
  "on_start_error": {"type": "enum", "values": ["fail", "disable"], "default": "fail",
                     "help": "fail: a failed start stops berthd; disable: run without it"}
}})";
  return json;
}

}  // namespace berth::kernel::config
