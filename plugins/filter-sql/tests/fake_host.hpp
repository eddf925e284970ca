// A berth_host table for the filter's unit tests, without berthd: the config values a test
// sets (the schema's defaults otherwise) and the metric values the plugin produced.
// metric_add takes no lock and allocates nothing, so match() can be measured through it.
#pragma once

#include <berth/abi/berth_host.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <string>

namespace berth::plugins::filter_sql::test {

class fake_host {
 public:
  fake_host() {
    set_size("max_expression_bytes", 4096);
    set_int("max_depth", 32);
  }
  fake_host(const fake_host&) = delete;
  fake_host& operator=(const fake_host&) = delete;

  [[nodiscard]] const berth_host* table() const noexcept { return &table_; }
  [[nodiscard]] berth_host_ctx* context() noexcept { return reinterpret_cast<berth_host_ctx*>(this); }

  void set_size(const std::string& key, uint64_t bytes) {
    set(key, BERTH_CONFIG_SIZE, static_cast<int64_t>(bytes));
  }
  void set_int(const std::string& key, int64_t value) { set(key, BERTH_CONFIG_INT, value); }

  [[nodiscard]] int64_t metric(const std::string& name) const {
    const auto it = metric_ids_.find(name);
    return it == metric_ids_.end() ? -1 : metric_values_[it->second].load();
  }

 private:
  static fake_host& self(berth_host_ctx* ctx) { return *reinterpret_cast<fake_host*>(ctx); }
  static std::string text(berth_str s) { return s.len == 0 ? std::string{} : std::string(s.ptr, s.len); }

  void set(const std::string& key, uint32_t type, int64_t integer) {
    berth_config_value value{};
    value.type = type;
    value.integer = integer;
    config_[key] = value;
  }

  static void log(berth_host_ctx*, uint32_t, berth_str) {}
  static int32_t log_enabled(berth_host_ctx*, uint32_t) { return 0; }
  static berth_status config_get(berth_host_ctx* ctx, berth_str path, berth_config_value* out) {
    const auto& config = self(ctx).config_;
    const auto it = config.find(text(path));
    *out = it == config.end() ? berth_config_value{} : it->second;
    return BERTH_OK;
  }
  // Registration happens in the plugin's constructor, on the test's thread.
  static berth_status metric_register(berth_host_ctx* ctx, uint32_t, berth_str name, berth_str,
                                      uint32_t* out_id) {
    fake_host& host = self(ctx);
    const auto [it, added] = host.metric_ids_.try_emplace(text(name), host.next_metric_);
    if (added) ++host.next_metric_;
    *out_id = it->second;
    return it->second < host.metric_values_.size() ? BERTH_OK : BERTH_E_FULL;
  }
  static void metric_add(berth_host_ctx* ctx, uint32_t id, int64_t delta) {
    self(ctx).metric_values_[id] += delta;
  }
  static void metric_set(berth_host_ctx* ctx, uint32_t id, int64_t value) {
    self(ctx).metric_values_[id] = value;
  }
  static void metric_observe(berth_host_ctx*, uint32_t, double) {}
  static uint64_t now_ns(berth_host_ctx*, uint32_t) { return 0; }
  static berth_status post(berth_host_ctx*, uint64_t, berth_task_fn, berth_task_fn, void*, uint64_t*) {
    return BERTH_E_UNSUPPORTED;
  }
  static int32_t cancel(berth_host_ctx*, uint64_t) { return 0; }
  static berth_str fact(berth_host_ctx*) { return berth_str{"test", 4}; }

  const berth_host table_{sizeof(berth_host), BERTH_ABI_MAJOR, BERTH_ABI_MINOR,
                          &log, &log_enabled, &config_get,
                          &metric_register, &metric_add, &metric_set, &metric_observe,
                          &now_ns, &post, &cancel,
                          &fact, &fact, &fact,
                          nullptr, nullptr, nullptr};  // connections: for transports only

  std::map<std::string, berth_config_value> config_;
  std::map<std::string, uint32_t> metric_ids_;
  uint32_t next_metric_ = 0;
  std::array<std::atomic<int64_t>, 8> metric_values_{};
};

}  // namespace berth::plugins::filter_sql::test
