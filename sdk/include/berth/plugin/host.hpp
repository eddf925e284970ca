// berth::sdk::host: the host-services table seen from C++. Each plugin instance receives one
// in its constructor and may keep a reference to it for the instance's lifetime.
#pragma once

#include <berth/abi/berth_host.h>
#include <berth/plugin/error.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berth::sdk {

enum class log_level : uint32_t {
  trace = BERTH_LOG_TRACE, debug = BERTH_LOG_DEBUG, info = BERTH_LOG_INFO,
  warn = BERTH_LOG_WARN, error = BERTH_LOG_ERROR, critical = BERTH_LOG_CRITICAL
};

// A registered metric; cheap to copy, usable from any thread.
class metric {
 public:
  metric() = default;
  metric(const berth_host* host, berth_host_ctx* ctx, uint32_t id) : host_(host), ctx_(ctx), id_(id) {}
  void add(int64_t delta = 1) const noexcept { if (host_) host_->metric_add(ctx_, id_, delta); }
  void set(int64_t value) const noexcept { if (host_) host_->metric_set(ctx_, id_, value); }
  void observe(double value) const noexcept { if (host_) host_->metric_observe(ctx_, id_, value); }

 private:
  const berth_host* host_ = nullptr;
  berth_host_ctx* ctx_ = nullptr;
  uint32_t id_ = 0;
};

class host {
 public:
  host(const berth_host* table, berth_host_ctx* ctx) : table_(table), ctx_(ctx) {}

  [[nodiscard]] const berth_host* table() const noexcept { return table_; }
  [[nodiscard]] berth_host_ctx* context() const noexcept { return ctx_; }

  // ---- logging: parts are streamed together only when the level is enabled ----
  [[nodiscard]] bool log_enabled(log_level level) const noexcept {
    return table_->log_enabled(ctx_, static_cast<uint32_t>(level)) != 0;
  }
  template <class... Parts>
  void log(log_level level, const Parts&... parts) const {
    if (!log_enabled(level)) return;
    std::ostringstream out;
    (out << ... << parts);
    const std::string text = out.str();
    table_->log(ctx_, static_cast<uint32_t>(level), abi_str(text));
  }
  template <class... P> void trace(const P&... p) const { log(log_level::trace, p...); }
  template <class... P> void debug(const P&... p) const { log(log_level::debug, p...); }
  template <class... P> void info(const P&... p) const { log(log_level::info, p...); }
  template <class... P> void warn(const P&... p) const { log(log_level::warn, p...); }
  template <class... P> void error(const P&... p) const { log(log_level::error, p...); }

  // ---- config: the kernel validated the table against the schema before create() ----
  [[nodiscard]] berth_config_value config(std::string_view path) const {
    berth_config_value value{};
    const berth_status status = table_->config_get(ctx_, abi_str(path), &value);
    if (status != BERTH_OK) {
      throw plugin_error(status, "config key '" + std::string(path) + "' cannot be read");
    }
    return value;
  }
  [[nodiscard]] bool has(std::string_view path) const {
    return config(path).type != BERTH_CONFIG_NONE;
  }
  [[nodiscard]] std::string config_string(std::string_view path) const {
    const auto v = expect(path, BERTH_CONFIG_STRING);
    return std::string(view(v.string));
  }
  [[nodiscard]] int64_t config_int(std::string_view path) const {
    return expect(path, BERTH_CONFIG_INT).integer;
  }
  [[nodiscard]] bool config_bool(std::string_view path) const {
    return expect(path, BERTH_CONFIG_BOOL).integer != 0;
  }
  [[nodiscard]] double config_float(std::string_view path) const {
    return expect(path, BERTH_CONFIG_FLOAT).number;
  }
  [[nodiscard]] uint64_t config_size(std::string_view path) const {
    return static_cast<uint64_t>(expect(path, BERTH_CONFIG_SIZE).integer);
  }
  [[nodiscard]] std::chrono::nanoseconds config_duration(std::string_view path) const {
    return std::chrono::nanoseconds(expect(path, BERTH_CONFIG_DURATION).integer);
  }
  [[nodiscard]] std::vector<std::string> config_strings(std::string_view path) const {
    const auto array = expect(path, BERTH_CONFIG_ARRAY);
    std::vector<std::string> out;
    for (int64_t i = 0; i < array.integer; ++i) {
      out.push_back(config_string(std::string(path) + "." + std::to_string(i)));
    }
    return out;
  }

  // ---- metrics: register in the constructor, update anywhere ----
  [[nodiscard]] metric counter(std::string_view name, std::string_view help) const {
    return make_metric(BERTH_METRIC_COUNTER, name, help);
  }
  [[nodiscard]] metric gauge(std::string_view name, std::string_view help) const {
    return make_metric(BERTH_METRIC_GAUGE, name, help);
  }
  [[nodiscard]] metric histogram(std::string_view name, std::string_view help) const {
    return make_metric(BERTH_METRIC_HISTOGRAM, name, help);
  }

  // ---- time and scheduling ----
  [[nodiscard]] std::chrono::nanoseconds now_monotonic() const noexcept {
    return std::chrono::nanoseconds(table_->now_ns(ctx_, BERTH_CLOCK_MONOTONIC));
  }
  [[nodiscard]] std::chrono::nanoseconds now_realtime() const noexcept {
    return std::chrono::nanoseconds(table_->now_ns(ctx_, BERTH_CLOCK_REALTIME));
  }
  // Run `task` on a host executor after `delay`. Returns the task id for cancel().
  uint64_t post(std::chrono::nanoseconds delay, std::function<void()> task) const {
    auto owned = std::make_unique<std::function<void()>>(std::move(task));
    uint64_t id = 0;
    const berth_status status = table_->post(ctx_, static_cast<uint64_t>(delay.count()),
                                             &run_posted, &drop_posted, owned.get(), &id);
    if (status != BERTH_OK) throw plugin_error(status, "the host refused to schedule a task");
    owned.release();  // run_posted deletes it, or cancel() does
    return id;
  }
  // True when the task will not run (the host then destroyed its callable through drop).
  bool cancel(uint64_t task) const noexcept { return table_->cancel(ctx_, task) == 1; }

  // ---- the broker's own topics (ABI 1.6) ----
  // Store messages in the broker's own topics (rmq_sys_* / RMQ_SYS_*). Blocks until the store
  // has them: call it from a thread of your own. BERTH_OK, or the refusal with its reason
  // (BERTH_E_UNSUPPORTED from a host older than 1.6).
  berth_status append(std::span<const berth_message_view* const> messages,
                      std::string& reason) const {
    if (!BERTH_HAS_FIELD(table_, berth_host, append) || table_->append == nullptr) {
      reason = "the broker predates berth_host.append (ABI 1.6)";
      return BERTH_E_UNSUPPORTED;
    }
    std::array<char, 512> text{};
    berth_errbuf err{text.data(), text.size()};
    const berth_status status = table_->append(
        ctx_, messages.data(), static_cast<uint32_t>(messages.size()), &err);
    if (status != BERTH_OK) reason = text.data();
    return status;
  }

  // ---- facts ----
  [[nodiscard]] std::string_view broker_name() const noexcept { return view(table_->broker_name(ctx_)); }
  [[nodiscard]] std::string_view data_dir() const noexcept { return view(table_->data_dir(ctx_)); }
  [[nodiscard]] std::string_view instance_id() const noexcept { return view(table_->instance_id(ctx_)); }

 private:
  static void run_posted(void* arg) {
    std::unique_ptr<std::function<void()>> task(static_cast<std::function<void()>*>(arg));
    try {
      (*task)();
    } catch (...) {
      // A task has nobody to report to; dropping the exception keeps it off the host's stack.
    }
  }

  static void drop_posted(void* arg) { delete static_cast<std::function<void()>*>(arg); }

  [[nodiscard]] berth_config_value expect(std::string_view path, uint32_t type) const {
    const berth_config_value v = config(path);
    if (v.type != type) {
      throw plugin_error(BERTH_E_INVALID, "config key '" + std::string(path) +
                                              "' is absent or has another type");
    }
    return v;
  }

  [[nodiscard]] metric make_metric(uint32_t type, std::string_view name, std::string_view help) const {
    uint32_t id = 0;
    const berth_status status = table_->metric_register(ctx_, type, abi_str(name), abi_str(help), &id);
    if (status != BERTH_OK) {
      throw plugin_error(status, "metric '" + std::string(name) + "' cannot be registered");
    }
    return metric(table_, ctx_, id);
  }

  const berth_host* table_;
  berth_host_ctx* ctx_;
};

}  // namespace berth::sdk
