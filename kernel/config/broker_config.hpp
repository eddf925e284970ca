// The whole berth.toml: kernel tables validated against the kernel's own schemas, plugin
// tables collected (their plugin keys are validated later, against the plugin's schema, once
// the plugin library is loaded).
//
// Top-level tables:
//   [broker]      name, data_dir, log_level, shutdown_timeout,
//                 auto_create_topics, default_queues, max_delay,     (kernel)
//                 max_reconsume, produce_max_pending_bytes,
//                 produce_max_pending_wait
//   [plugins]     search_path                                        (kernel)
//   [transaction] check_interval, timeout, max_checks                (kernel)
//   [admin]       enabled, listen, max_request_size, idle_timeout,   (kernel)
//                 max_connections
//   [store]       exactly one plugin table          (single role; required)
//   [auth]        at most one plugin table          (single role)
//   [[transport]] [[filter]] [[tracer]]  zero or more plugin tables (arrays of tables)
// Reserved keys in every plugin table: plugin (required), id, log_level, on_start_error.
#pragma once

#include "common/result.hpp"
#include "config/config_error.hpp"
#include "config/config_tree.hpp"

#include <toml++/toml.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace berth::kernel::config {

enum class plugin_kind : std::uint32_t { transport = 1, store = 2, filter = 3, auth = 4,
                                         tracer = 5 };  // = BERTH_KIND_*

std::string_view to_string(plugin_kind kind);

enum class start_error_policy : std::uint8_t { fail, disable };

// One [[transport]], [store], ... table as written.
struct plugin_table {
  plugin_kind kind = plugin_kind::store;
  std::string plugin;         // value of `plugin`, e.g. "mmap"
  std::string id;             // `id`, or "<kind>-<plugin>" (single roles) /
                              // "<kind>-<plugin>-<n>" (n counts that plugin's tables from 1)
  std::string log_level;      // "" = inherit broker.log_level
  start_error_policy on_start_error = start_error_policy::fail;
  std::string path;           // "store" or "transport[1]", for error messages
  const toml::table* table = nullptr;  // the raw table, owned by broker_config::document
  toml::source_position position{};    // where the table starts
  toml::source_position plugin_position{};  // where `plugin = ...` is written
};

struct broker_settings {
  std::string name = "berth-1";
  std::filesystem::path data_dir = "./data";  // relative paths: to the working directory
  std::string log_level = "info";  // trace debug info warn error critical off
  std::chrono::nanoseconds shutdown_timeout = std::chrono::seconds(10);
  bool auto_create_topics = true;     // RocketMQ's autoCreateTopicEnable
  std::uint32_t default_queues = 4;   // queues of an auto-created topic, 1..1024
  std::chrono::nanoseconds max_delay = std::chrono::hours(24 * 40);  // timed messages, ahead
  std::uint32_t max_reconsume = 16;   // RocketMQ's retryMaxTimes: then the group's DLQ
  // Produce admission (kernel/produce/admission.hpp): sends are answered BUSY while the appends
  // waiting for the store's acknowledgement hold more than this many request bytes, or the
  // oldest has waited longer than this (RocketMQ: waitTimeMillsInSendQueue,
  // osPageCacheBusyTimeOutMills).
  std::uint64_t produce_max_pending_bytes = 64u << 20;
  std::chrono::nanoseconds produce_max_pending_wait = std::chrono::seconds(1);
};

// Transactional messages' check-back (RocketMQ's transactionCheckInterval,
// transactionTimeOut, transactionCheckMax).
struct transaction_settings {
  // How often unresolved half messages are looked at.
  std::chrono::nanoseconds check_interval = std::chrono::seconds(30);
  // A half message younger than this is not checked yet.
  std::chrono::nanoseconds timeout = std::chrono::seconds(6);
  // Check-backs without an answer (or answered unknown) before the half is rolled back.
  std::uint32_t max_checks = 15;
};

// The admin HTTP listener (kernel/admin): metrics, health, the JSON API and the dashboard.
struct admin_settings {
  bool enabled = true;
  std::string listen = "127.0.0.1:10980";
  std::uint64_t max_request_size = 64 * 1024;  // headers and body together
  std::chrono::nanoseconds idle_timeout = std::chrono::seconds(30);
  std::uint32_t max_connections = 64;
};

struct plugin_settings {
  // Where libberth-<kind>-<name>.so is looked up, in order. Relative entries are resolved
  // against the directory of the config file. Empty: the caller's default.
  std::vector<std::filesystem::path> search_path;
};

struct broker_config {
  std::string file;  // as given, for messages
  std::shared_ptr<toml::table> document;
  broker_settings broker;
  plugin_settings plugins;
  transaction_settings transaction;
  admin_settings admin;
  std::vector<plugin_table> plugin_tables;  // in file order within each kind:
                                            // store, auth, filter, tracer, transport
};

// Parse and validate. `file` names the source in messages; `text` is its content; `base_dir`
// resolves relative search paths. All problems are returned together, TOML syntax errors
// first (a syntax error stops further checks).
result<broker_config, config_errors> parse_broker_config(std::string_view text,
                                                         std::string file,
                                                         const std::filesystem::path& base_dir);

// Read the file and parse it. A missing or unreadable file is one config_error naming it.
result<broker_config, config_errors> load_broker_config(const std::filesystem::path& file);

// The kernel's schemas, for --describe and docs: "broker" and "plugins" tables, and the
// reserved keys of every plugin table.
const std::string& broker_table_schema_json();
const std::string& plugins_table_schema_json();
const std::string& transaction_table_schema_json();
const std::string& admin_table_schema_json();
const std::string& reserved_plugin_keys_schema_json();

}  // namespace berth::kernel::config
