// A berth_host table for plugin unit tests, without berthd: config values the test sets, a
// clock the test moves, posted tasks that run only when the test says so, and the log lines
// and metric values the plugin produced. Thread-safe, like the real host.
#pragma once

#include <berth/abi/berth_host.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace berth::plugins::store_memory::test {

class fake_host {
 public:
  fake_host() = default;
  ~fake_host() { drop_all_tasks(); }
  fake_host(const fake_host&) = delete;
  fake_host& operator=(const fake_host&) = delete;

  [[nodiscard]] const berth_host* table() const noexcept { return &table_; }
  [[nodiscard]] berth_host_ctx* context() noexcept {
    return reinterpret_cast<berth_host_ctx*>(this);
  }

  // ---- config ----
  void set_size(const std::string& key, uint64_t bytes) {
    set(key, BERTH_CONFIG_SIZE, static_cast<int64_t>(bytes));
  }
  void set_duration(const std::string& key, std::chrono::nanoseconds value) {
    set(key, BERTH_CONFIG_DURATION, value.count());
  }

  // ---- clock: both clocks move together ----
  void set_realtime_ms(int64_t ms) { realtime_ns_ = ms * 1'000'000; }
  void advance(std::chrono::milliseconds by) {
    realtime_ns_ += by.count() * 1'000'000;
    monotonic_ns_ += by.count() * 1'000'000;
  }
  [[nodiscard]] int64_t realtime_ms() const noexcept { return realtime_ns_ / 1'000'000; }

  // ---- posted tasks ----
  [[nodiscard]] size_t pending_tasks() const {
    std::lock_guard lock(mutex_);
    return tasks_.size();
  }
  [[nodiscard]] size_t dropped_tasks() const {
    std::lock_guard lock(mutex_);
    return dropped_;
  }
  // Run every task due by the monotonic clock; returns how many ran.
  size_t run_due_tasks() {
    std::vector<task> due;
    {
      std::lock_guard lock(mutex_);
      const auto first_later = std::stable_partition(
          tasks_.begin(), tasks_.end(), [&](const task& t) { return t.due_ns <= monotonic_ns_; });
      due.assign(tasks_.begin(), first_later);
      tasks_.erase(tasks_.begin(), first_later);
    }
    for (const task& t : due) t.fn(t.arg);
    return due.size();
  }

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
  struct task {
    uint64_t id;
    int64_t due_ns;
    berth_task_fn fn;
    berth_task_fn drop;
    void* arg;
  };

  static fake_host& self(berth_host_ctx* ctx) { return *reinterpret_cast<fake_host*>(ctx); }
  static std::string text(berth_str s) {
    return s.len == 0 ? std::string{} : std::string(s.ptr, s.len);
  }

  void set(const std::string& key, uint32_t type, int64_t integer) {
    berth_config_value value{};
    value.type = type;
    value.integer = integer;
    std::lock_guard lock(mutex_);
    config_[key] = value;
  }

  void drop_all_tasks() {
    std::vector<task> left;
    {
      std::lock_guard lock(mutex_);
      left.swap(tasks_);
      dropped_ += left.size();
    }
    for (const task& t : left) {
      if (t.drop != nullptr) t.drop(t.arg);
    }
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
  static uint64_t now_ns(berth_host_ctx* ctx, uint32_t clock) {
    fake_host& host = self(ctx);
    return static_cast<uint64_t>(clock == BERTH_CLOCK_REALTIME ? host.realtime_ns_.load()
                                                               : host.monotonic_ns_.load());
  }
  static berth_status post(berth_host_ctx* ctx, uint64_t delay_ns, berth_task_fn fn,
                           berth_task_fn drop, void* arg, uint64_t* out_task) {
    fake_host& host = self(ctx);
    std::lock_guard lock(host.mutex_);
    const uint64_t id = host.next_task_++;
    const int64_t due_ns = host.monotonic_ns_ + static_cast<int64_t>(delay_ns);
    host.tasks_.push_back(task{id, due_ns, fn, drop, arg});
    if (out_task != nullptr) *out_task = id;
    return BERTH_OK;
  }
  static int32_t cancel(berth_host_ctx* ctx, uint64_t id) {
    fake_host& host = self(ctx);
    task found{};
    {
      std::lock_guard lock(host.mutex_);
      const auto it = std::find_if(host.tasks_.begin(), host.tasks_.end(),
                                   [id](const task& t) { return t.id == id; });
      if (it == host.tasks_.end()) return 0;
      found = *it;
      host.tasks_.erase(it);
      ++host.dropped_;
    }
    if (found.drop != nullptr) found.drop(found.arg);
    return 1;
  }
  static berth_str fact(berth_host_ctx*) { return berth_str{"test", 4}; }

  const berth_host table_{sizeof(berth_host), BERTH_ABI_MAJOR, BERTH_ABI_MINOR,
                          &log, &log_enabled, &config_get,
                          &metric_register, &metric_add, &metric_set, &metric_observe,
                          &now_ns, &post, &cancel,
                          &fact, &fact, &fact,
                          nullptr, nullptr, nullptr};  // connections: for transports only

  mutable std::mutex mutex_;
  std::map<std::string, berth_config_value> config_;
  std::vector<std::string> logs_;
  std::map<std::string, uint32_t> metric_ids_;
  std::vector<int64_t> metric_values_;
  std::vector<task> tasks_;
  uint64_t next_task_ = 1;
  size_t dropped_ = 0;
  std::atomic<int64_t> realtime_ns_{1'700'000'000'000LL * 1'000'000};
  std::atomic<int64_t> monotonic_ns_{1'000'000'000};
};

}  // namespace berth::plugins::store_memory::test
