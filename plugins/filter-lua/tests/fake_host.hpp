// A berth_host table for filter-lua's unit tests, without berthd: config values the test sets
// (the kernel would have applied the schema's defaults; the fixture sets them all), a
// monotonic clock the test moves, and the log lines and metric values the plugin produced.
// Thread-safe, like the real host. Posting tasks is refused: the plugin never posts.
#pragma once

#include <berth/abi/berth_host.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace berth::plugins::filter_lua::test {

class fake_host {
 public:
  fake_host() = default;
  fake_host(const fake_host&) = delete;
  fake_host& operator=(const fake_host&) = delete;

  [[nodiscard]] const berth_host* table() const noexcept { return &table_; }
  [[nodiscard]] berth_host_ctx* context() noexcept { return reinterpret_cast<berth_host_ctx*>(this); }

  // ---- config ----
  void set_int(const std::string& key, int64_t value) { set(key, BERTH_CONFIG_INT, value); }
  void set_bool(const std::string& key, bool value) { set(key, BERTH_CONFIG_BOOL, value ? 1 : 0); }
  void set_size(const std::string& key, uint64_t bytes) {
    set(key, BERTH_CONFIG_SIZE, static_cast<int64_t>(bytes));
  }
  void set_duration(const std::string& key, std::chrono::nanoseconds value) {
    set(key, BERTH_CONFIG_DURATION, value.count());
  }
  void set_string(const std::string& key, const std::string& value) {
    std::lock_guard lock(mutex_);
    strings_[key] = value;
    berth_config_value v{};
    v.type = BERTH_CONFIG_STRING;
    v.string = berth_str{strings_[key].data(), strings_[key].size()};
    config_[key] = v;
  }

  // ---- clock ----
  void advance(std::chrono::milliseconds by) { monotonic_ns_ += by.count() * 1'000'000; }

  // ---- what the plugin produced ----
  [[nodiscard]] std::vector<std::string> logs() const {
    std::lock_guard lock(mutex_);
    return logs_;
  }
  [[nodiscard]] int64_t metric(const std::string& name) const {
    std::lock_guard lock(mutex_);
    const auto it = metric_ids_.find(name);
    return it == metric_ids_.end() ? -1 : metric_values_[it->second];
  }

 private:
  static fake_host& self(berth_host_ctx* ctx) { return *reinterpret_cast<fake_host*>(ctx); }
  static std::string text(berth_str s) { return s.len == 0 ? std::string{} : std::string(s.ptr, s.len); }

  void set(const std::string& key, uint32_t type, int64_t integer) {
    berth_config_value value{};
    value.type = type;
    value.integer = integer;
    std::lock_guard lock(mutex_);
    config_[key] = value;
  }

  static void log(berth_host_ctx* ctx, uint32_t level, berth_str message) {
    fake_host& host = self(ctx);
    std::lock_guard lock(host.mutex_);
    host.logs_.push_back(std::to_string(level) + " " + text(message));
  }
  static int32_t log_enabled(berth_host_ctx*, uint32_t) { return 1; }
  static berth_status config_get(berth_host_ctx* ctx, berth_str path, berth_config_value* out) {
    fake_host& host = self(ctx);
    std::lock_guard lock(host.mutex_);
    const auto it = host.config_.find(text(path));
    *out = it == host.config_.end() ? berth_config_value{} : it->second;
    return BERTH_OK;
  }
  static berth_status metric_register(berth_host_ctx* ctx, uint32_t, berth_str name, berth_str,
                                      uint32_t* out_id) {
    fake_host& host = self(ctx);
    std::lock_guard lock(host.mutex_);
    const auto [it, added] =
        host.metric_ids_.try_emplace(text(name), static_cast<uint32_t>(host.metric_values_.size()));
    if (added) host.metric_values_.push_back(0);
    *out_id = it->second;
    return BERTH_OK;
  }
  static void metric_add(berth_host_ctx* ctx, uint32_t id, int64_t delta) {
    fake_host& host = self(ctx);
    std::lock_guard lock(host.mutex_);
    if (id < host.metric_values_.size()) host.metric_values_[id] += delta;
  }
  static void metric_set(berth_host_ctx* ctx, uint32_t id, int64_t value) {
    fake_host& host = self(ctx);
    std::lock_guard lock(host.mutex_);
    if (id < host.metric_values_.size()) host.metric_values_[id] = value;
  }
  static void metric_observe(berth_host_ctx*, uint32_t, double) {}
  static uint64_t now_ns(berth_host_ctx* ctx, uint32_t) {
    return static_cast<uint64_t>(self(ctx).monotonic_ns_.load());
  }
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

  mutable std::mutex mutex_;
  std::map<std::string, berth_config_value> config_;
  std::map<std::string, std::string> strings_;
  std::vector<std::string> logs_;
  std::map<std::string, uint32_t> metric_ids_;
  std::vector<int64_t> metric_values_;
  std::atomic<int64_t> monotonic_ns_{1'000'000'000};
};

}  // namespace berth::plugins::filter_lua::test
