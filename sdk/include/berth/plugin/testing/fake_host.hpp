// berth::sdk::testing::fake_host: a berth_host table for plugin unit tests, without berthd.
// Config values are the ones the test sets (the kernel would apply the schema's defaults: a
// fixture sets the ones its plugin needs), both clocks move only when the test advances them,
// posted tasks run only when the test says so and are dropped in the destructor, and the log
// lines and metric values the plugin produced can be read back. Thread-safe, like the real host.
// metric_add and metric_set take no lock and allocate nothing (an array of atomics indexed by
// metric id), so hot paths that count can be measured through it; registration takes the lock.
//
//   berth::sdk::testing::fake_host fake;
//   fake.set_size("max_bytes", 1 << 20);
//   berth::sdk::host host(fake.table(), fake.context());
//   my_plugin plugin(host);
//   fake.advance(std::chrono::seconds(1));
//   fake.run_due_tasks();
//   EXPECT_EQ(fake.metric("my_plugin_things_total"), 1);
#pragma once

#include <berth/abi/berth_host.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace berth::sdk::testing {

class fake_host {
 public:
  // How many metrics one plugin instance may register; metric_register answers BERTH_E_FULL after.
  static constexpr size_t max_metrics = 64;

  fake_host() = default;
  ~fake_host() { drop_all_tasks(); }
  fake_host(const fake_host&) = delete;
  fake_host& operator=(const fake_host&) = delete;

  [[nodiscard]] const berth_host* table() const noexcept { return &table_; }
  [[nodiscard]] berth_host_ctx* context() noexcept {
    return reinterpret_cast<berth_host_ctx*>(this);
  }

  // ---- config: keys the test does not set read as BERTH_CONFIG_NONE ----
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
    std::string& stored = strings_[key];
    stored = value;
    berth_config_value v{};
    v.type = BERTH_CONFIG_STRING;
    v.string = berth_str{stored.data(), stored.size()};
    config_[key] = v;
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

  // ---- berth_host.append: the messages the plugin stored, and how the "store" answers ----
  struct appended_message {
    std::string topic, tags, keys, body;
  };
  [[nodiscard]] std::vector<appended_message> appended() const {
    std::lock_guard lock(mutex_);
    return appended_;
  }
  // Later appends answer `status` (with a reason) and keep nothing; BERTH_OK stores again.
  void answer_appends(berth_status status) {
    std::lock_guard lock(mutex_);
    append_status_ = status;
  }
  // Held: append calls wait (a store that does not keep up) until released.
  void hold_appends(bool held) {
    {
      std::lock_guard lock(mutex_);
      appends_held_ = held;
    }
    appends_released_.notify_all();
  }
  [[nodiscard]] size_t append_calls() const {
    std::lock_guard lock(mutex_);
    return append_calls_;
  }

  // ---- what the plugin produced ----
  // "<level> <message>" per line, in the order logged.
  [[nodiscard]] std::vector<std::string> logs() const {
    std::lock_guard lock(mutex_);
    return logs_;
  }
  // The value of a registered metric, or -1 when the plugin registered none by that name (or
  // its registration was refused: more than max_metrics).
  [[nodiscard]] int64_t metric(const std::string& name) const {
    std::lock_guard lock(mutex_);
    const auto it = metric_ids_.find(name);
    if (it == metric_ids_.end() || it->second >= max_metrics) return -1;
    return metric_values_[it->second].load();
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
    const auto [it, added] = host.metric_ids_.try_emplace(text(name), host.next_metric_);
    if (added) ++host.next_metric_;
    *out_id = it->second;
    return it->second < max_metrics ? BERTH_OK : BERTH_E_FULL;
  }
  static void metric_add(berth_host_ctx* ctx, uint32_t id, int64_t delta) {
    if (id < max_metrics) self(ctx).metric_values_[id] += delta;
  }
  static void metric_set(berth_host_ctx* ctx, uint32_t id, int64_t value) {
    if (id < max_metrics) self(ctx).metric_values_[id] = value;
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
  static berth_status append(berth_host_ctx* ctx, const berth_message_view* const* messages,
                             uint32_t count, berth_errbuf* err) {
    fake_host& host = self(ctx);
    std::unique_lock lock(host.mutex_);
    ++host.append_calls_;
    host.appends_released_.wait(lock, [&] { return !host.appends_held_; });
    if (host.append_status_ != BERTH_OK) {
      static constexpr std::string_view reason = "refused by the test";
      if (err != nullptr && err->buf != nullptr && err->cap > reason.size()) {
        reason.copy(err->buf, reason.size());
        err->buf[reason.size()] = '\0';
      }
      return host.append_status_;
    }
    for (uint32_t i = 0; i < count; ++i) {
      const berth_message_view& m = *messages[i];
      host.appended_.push_back(
          {text(m.topic), text(m.tags), text(m.keys),
           std::string(reinterpret_cast<const char*>(m.body.ptr), m.body.len)});
    }
    return BERTH_OK;
  }

  const berth_host table_{sizeof(berth_host), BERTH_ABI_MAJOR, BERTH_ABI_MINOR,
                          &log, &log_enabled, &config_get,
                          &metric_register, &metric_add, &metric_set, &metric_observe,
                          &now_ns, &post, &cancel,
                          &fact, &fact, &fact,
                          nullptr, nullptr, nullptr,  // connections: for transports only
                          &append,
                          nullptr};  // conn_authenticate: for transports only

  mutable std::mutex mutex_;
  std::map<std::string, berth_config_value> config_;
  std::map<std::string, std::string> strings_;  // what BERTH_CONFIG_STRING values point into
  std::vector<std::string> logs_;
  std::map<std::string, uint32_t> metric_ids_;
  uint32_t next_metric_ = 0;
  std::array<std::atomic<int64_t>, max_metrics> metric_values_{};
  std::vector<task> tasks_;
  uint64_t next_task_ = 1;
  size_t dropped_ = 0;
  std::vector<appended_message> appended_;
  berth_status append_status_ = BERTH_OK;
  bool appends_held_ = false;
  size_t append_calls_ = 0;
  std::condition_variable appends_released_;
  std::atomic<int64_t> realtime_ns_{1'700'000'000'000LL * 1'000'000};
  std::atomic<int64_t> monotonic_ns_{1'000'000'000};
};

}  // namespace berth::sdk::testing
