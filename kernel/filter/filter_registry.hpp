// The broker's filters: the loaded filter plugin instances, one per filter type, and the
// expressions compiled through them. A subscription's expression is compiled once and shared
// by every pull and pop that names it: compiled filters are cached by (group, type,
// expression). The group is part of the key so that two groups never share a compiled
// expression (a Lua script's state belongs to one subscription).
//
// Filter types map to instances by name: tag → the [[filter]] whose id is "tag", else the
// first whose plugin is "tag"; likewise "sql" and "lua" (so `plugin = "sql"` serves SQL, and
// `plugin = "mysql", id = "sql"` serves it with another plugin). A "*" or empty tag
// expression needs no plugin: it takes everything.
#pragma once

#include "filter/message_filter.hpp"
#include "metrics/registry.hpp"
#include "plugin_host/instance.hpp"

#include <berth/wire/codes.hpp>
#include <berth/wire/records.hpp>

#include <cstddef>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

namespace berth::kernel::filter {

// Why an expression is refused: INVALID_FILTER (the plugin's "col N: ..." message) or
// FILTER_UNSUPPORTED (no plugin for the type).
struct refusal {
  wire::status status = wire::status::invalid_filter;
  std::string message;
};

// The name of a filter type ("tag", "sql", "lua"), or "" for an unknown type.
[[nodiscard]] std::string_view instance_id_for(wire::filter_type type);

class filter_registry {
 public:
  // At most `cache_entries` compiled expressions are kept beyond those in use.
  explicit filter_registry(metrics::registry& metrics, size_t cache_entries = 1024);

  // Filter instances, as the broker made them (instances of other kinds are ignored).
  void add(const plugin_host::instance_ptr& instance);

  [[nodiscard]] bool serves(wire::filter_type type) const;

  // The compiled filter of a subscription, from the cache or compiled now. Any thread.
  std::variant<filter_ptr, refusal> compile(std::string_view group, wire::filter_type type,
                                            std::string_view expression);

  // Forget every instance and compiled expression (the broker stopping, before it destroys
  // the instances). Main thread, nothing compiling.
  void clear();

  // Compiled expressions held in the cache (for tests and metrics).
  [[nodiscard]] size_t cached() const;

 private:
  struct served_type {
    plugin_host::instance_ptr instance;
    uint32_t errors_metric = 0;
  };

  std::variant<filter_ptr, refusal> compile_now(wire::filter_type type,
                                                std::string_view expression) const;
  [[nodiscard]] filter_ptr lookup(const std::string& key);
  void remember(const std::string& key, const filter_ptr& compiled);

  metrics::registry& metrics_;
  size_t capacity_;
  std::map<wire::filter_type, served_type> types_;  // set before serving, then read-only

  mutable std::mutex mutex_;
  std::list<std::pair<std::string, filter_ptr>> recent_;  // most recently used first
  std::unordered_map<std::string, decltype(recent_)::iterator> by_key_;
};

}  // namespace berth::kernel::filter
