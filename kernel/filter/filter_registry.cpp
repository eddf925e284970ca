#include "filter/filter_registry.hpp"

#include "log/logger.hpp"

#include <fmt/format.h>

#include <array>

namespace berth::kernel::filter {
namespace {

log::logger_ptr logger() { return log::module("filter"); }

bool is_whitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// "*", "" and blanks: a tag subscription to every message.
bool takes_every_tag(std::string_view expression) {
  while (!expression.empty() && is_whitespace(expression.front())) expression.remove_prefix(1);
  while (!expression.empty() && is_whitespace(expression.back())) expression.remove_suffix(1);
  return expression.empty() || expression == "*";
}

std::string cache_key(std::string_view group, wire::filter_type type, std::string_view expression) {
  std::string key;
  key.reserve(group.size() + expression.size() + 3);
  key.append(group).push_back('\0');
  key.push_back(static_cast<char>(type));
  key.push_back('\0');
  key.append(expression);
  return key;
}

}  // namespace

std::string_view instance_id_for(wire::filter_type type) {
  switch (type) {
    case wire::filter_type::tag: return "tag";
    case wire::filter_type::sql: return "sql";
    case wire::filter_type::lua: return "lua";
  }
  return "";
}

filter_registry::filter_registry(metrics::registry& metrics, size_t cache_entries)
    : metrics_(metrics), capacity_(cache_entries) {}

void filter_registry::add(const plugin_host::instance_ptr& instance) {
  if (instance->kind() != config::plugin_kind::filter) return;
  for (const auto type : {wire::filter_type::tag, wire::filter_type::sql, wire::filter_type::lua}) {
    const std::string_view name = instance_id_for(type);
    const bool named_by_id = instance->id() == name;
    const auto current = types_.find(type);
    const bool taken_by_id = current != types_.end() && current->second.instance->id() == name;
    // An instance with the type's name as its id wins; otherwise the first of that plugin.
    if (!named_by_id && (instance->plugin().name() != name || current != types_.end())) continue;
    if (taken_by_id) continue;
    const auto metric = metrics_.add(
        metrics::metric_type::counter, "berth_filter_errors_total",
        "Messages whose filter evaluation failed (counted as no match)", {{"filter", std::string(name)}});
    types_[type] = served_type{instance, metric ? metric.value() : 0};
  }
}

bool filter_registry::serves(wire::filter_type type) const { return types_.contains(type); }

std::variant<filter_ptr, refusal> filter_registry::compile(std::string_view group,
                                                           wire::filter_type type,
                                                           std::string_view expression) {
  if (type == wire::filter_type::tag && takes_every_tag(expression)) {
    static const filter_ptr everything = std::make_shared<const message_filter>();
    return everything;
  }
  const std::string key = cache_key(group, type, expression);
  if (filter_ptr found = lookup(key)) return found;
  auto made = compile_now(type, expression);
  if (const auto* compiled = std::get_if<filter_ptr>(&made)) remember(key, *compiled);
  return made;
}

std::variant<filter_ptr, refusal> filter_registry::compile_now(wire::filter_type type,
                                                               std::string_view expression) const {
  const auto served = types_.find(type);
  if (served == types_.end()) {
    const std::string_view id = instance_id_for(type);
    if (id.empty()) {
      return refusal{wire::status::invalid_argument,
                     fmt::format("filter_type: {} is none of 0 (tag), 1 (sql), 2 (lua)",
                                 static_cast<unsigned>(type))};
    }
    return refusal{wire::status::filter_unsupported,
                   fmt::format("this broker has no {} filter: add [[filter]] plugin = \"{}\" to "
                               "its config",
                               id, id)};
  }
  const plugin_host::instance_ptr& instance = served->second.instance;
  std::array<char, 1024> message{};
  berth_errbuf err{message.data(), message.size()};
  berth_filter_expr* expr = nullptr;
  const berth_status status = instance->ops<berth_filter_ops>().compile(
      instance->handle(), berth_str{expression.data(), expression.size()}, &expr, &err);
  if (status != BERTH_OK || expr == nullptr) {
    const std::string_view why = message[0] != '\0' ? message.data() : "no reason given";
    if (status == BERTH_E_INVALID) {
      return refusal{wire::status::invalid_filter,
                     fmt::format("{} filter: {}", instance_id_for(type), why)};
    }
    logger()->warn("filter '{}' could not compile an expression (status {}): {}", instance->id(),
                   status, why);
    return refusal{wire::status::internal, fmt::format("{} filter failed (status {}): {}",
                                                       instance_id_for(type), status, why)};
  }
  const uint32_t metric = served->second.errors_metric;
  return std::make_shared<const message_filter>(
      instance, expr, [&metrics = metrics_, metric] { metrics.add(metric, 1); });
}

filter_ptr filter_registry::lookup(const std::string& key) {
  std::lock_guard lock(mutex_);
  const auto it = by_key_.find(key);
  if (it == by_key_.end()) return nullptr;
  recent_.splice(recent_.begin(), recent_, it->second);
  return it->second->second;
}

void filter_registry::remember(const std::string& key, const filter_ptr& compiled) {
  std::lock_guard lock(mutex_);
  if (by_key_.contains(key)) return;  // compiled twice at once: keep the first
  recent_.emplace_front(key, compiled);
  by_key_.emplace(key, recent_.begin());
  while (recent_.size() > capacity_) {
    by_key_.erase(recent_.back().first);
    recent_.pop_back();  // pulls and pops still holding it keep it alive
  }
}

void filter_registry::clear() {
  std::lock_guard lock(mutex_);
  by_key_.clear();
  recent_.clear();
  types_.clear();
}

size_t filter_registry::cached() const {
  std::lock_guard lock(mutex_);
  return recent_.size();
}

}  // namespace berth::kernel::filter
