// The berth_host table: plain functions that forward a plugin's calls to kernel services.
// Each is noexcept: a kernel exception must not unwind into plugin code.
#include "plugin_host/connection_sink.hpp"
#include "plugin_host/host_context.hpp"
#include "plugin_host/own_topic_sink.hpp"

#include <algorithm>
#include <chrono>
#include <span>
#include <string>
#include <string_view>

namespace berth::kernel::plugin_host {
namespace {

std::string_view view(berth_str s) { return s.len == 0 ? std::string_view{} : std::string_view{s.ptr, s.len}; }
berth_str abi(const std::string& s) { return berth_str{s.data(), s.size()}; }

spdlog::level::level_enum to_spdlog(uint32_t level) {
  switch (level) {
    case BERTH_LOG_TRACE: return spdlog::level::trace;
    case BERTH_LOG_DEBUG: return spdlog::level::debug;
    case BERTH_LOG_INFO: return spdlog::level::info;
    case BERTH_LOG_WARN: return spdlog::level::warn;
    case BERTH_LOG_ERROR: return spdlog::level::err;
    default: return spdlog::level::critical;
  }
}

void host_log(berth_host_ctx* ctx, uint32_t level, berth_str message) noexcept {
  try {
    ctx->logger->log(to_spdlog(level), "{}", view(message));
  } catch (...) {
  }
}

int32_t host_log_enabled(berth_host_ctx* ctx, uint32_t level) noexcept {
  return ctx->logger->should_log(to_spdlog(level)) ? 1 : 0;
}

berth_status host_config_get(berth_host_ctx* ctx, berth_str path, berth_config_value* out) noexcept {
  if (out == nullptr) return BERTH_E_INVALID;
  *out = berth_config_value{};
  const std::string_view key = view(path);
  if (const config::config_node* node = ctx->config.find(key)) {
    *out = node->to_abi();
    return BERTH_OK;
  }
  // A path below a scalar is a mistake of the caller; anything else is just absent.
  for (auto dot = key.rfind('.'); dot != std::string_view::npos; dot = key.rfind('.', dot - 1)) {
    const config::config_node* parent = ctx->config.find(key.substr(0, dot));
    if (parent != nullptr) {
      return parent->type == BERTH_CONFIG_TABLE || parent->type == BERTH_CONFIG_ARRAY
                 ? BERTH_OK
                 : BERTH_E_NOT_FOUND;
    }
    if (dot == 0) break;
  }
  return BERTH_OK;
}

berth_status host_metric_register(berth_host_ctx* ctx, uint32_t type, berth_str name,
                                  berth_str help, uint32_t* out_id) noexcept {
  try {
    if (out_id == nullptr) return BERTH_E_INVALID;
    *out_id = 0;
    if (!ctx->creating.load()) return BERTH_E_INVALID;
    metrics::metric_type kind;
    switch (type) {
      case BERTH_METRIC_COUNTER: kind = metrics::metric_type::counter; break;
      case BERTH_METRIC_GAUGE: kind = metrics::metric_type::gauge; break;
      case BERTH_METRIC_HISTOGRAM: kind = metrics::metric_type::histogram; break;
      default: return BERTH_E_INVALID;
    }
    auto id = ctx->services->metrics.add(kind, "berth_" + std::string(view(name)),
                                         std::string(view(help)),
                                         {{"kind", ctx->kind}, {"instance", ctx->id}});
    if (!id) return id.error().code;
    *out_id = id.value();
    return BERTH_OK;
  } catch (...) {
    return BERTH_E_INTERNAL;
  }
}

void host_metric_add(berth_host_ctx* ctx, uint32_t id, int64_t delta) noexcept {
  ctx->services->metrics.add(id, delta);
}
void host_metric_set(berth_host_ctx* ctx, uint32_t id, int64_t value) noexcept {
  ctx->services->metrics.set(id, value);
}
void host_metric_observe(berth_host_ctx* ctx, uint32_t id, double value) noexcept {
  ctx->services->metrics.observe(id, value);
}

uint64_t host_now_ns(berth_host_ctx*, uint32_t clock) noexcept {
  const auto since = clock == BERTH_CLOCK_REALTIME
                         ? std::chrono::system_clock::now().time_since_epoch()
                         : std::chrono::steady_clock::now().time_since_epoch();
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(since).count());
}

berth_status host_post(berth_host_ctx* ctx, uint64_t delay_ns, berth_task_fn fn, berth_task_fn drop,
                       void* arg, uint64_t* out_task) noexcept {
  try {
    if (out_task != nullptr) *out_task = 0;
    if (fn == nullptr) return BERTH_E_INVALID;
    const auto delay = std::chrono::nanoseconds(
        static_cast<int64_t>(std::min<uint64_t>(delay_ns, uint64_t{1} << 62)));
    const executor::task_id id = ctx->services->scheduler.post(
        ctx->owner, delay, [fn, arg] { fn(arg); },
        [drop, arg] {
          if (drop != nullptr) drop(arg);
        });
    if (id == 0) return BERTH_E_CLOSED;
    if (out_task != nullptr) *out_task = id;
    return BERTH_OK;
  } catch (...) {
    return BERTH_E_NOMEM;
  }
}

int32_t host_cancel(berth_host_ctx* ctx, uint64_t task) noexcept {
  try {
    return ctx->services->scheduler.cancel(task) ? 1 : 0;
  } catch (...) {
    return 0;
  }
}

berth_str host_broker_name(berth_host_ctx* ctx) noexcept { return abi(ctx->services->broker_name); }
berth_str host_data_dir(berth_host_ctx* ctx) noexcept { return abi(ctx->services->data_dir); }
berth_str host_instance_id(berth_host_ctx* ctx) noexcept { return abi(ctx->id); }

// `reason` into the caller's buffer (truncated, NUL-terminated), then `status`.
berth_status refuse(berth_status status, std::string_view reason, berth_errbuf* err) noexcept {
  if (err != nullptr && err->buf != nullptr && err->cap > 0) {
    const size_t n = std::min(reason.size(), err->cap - 1);
    reason.copy(err->buf, n);
    err->buf[n] = '\0';
  }
  return status;
}

berth_status host_conn_open(berth_host_ctx* ctx, const berth_conn_info* info,
                            const berth_conn_ops* ops, void* conn_arg, berth_conn** out,
                            berth_errbuf* err) noexcept {
  const auto refuse_open = [&](berth_status status, std::string_view reason) {
    return refuse(status, reason, err);
  };
  if (info == nullptr || ops == nullptr || out == nullptr || ops->send == nullptr ||
      ops->close == nullptr) {
    return refuse_open(BERTH_E_INVALID,
                       "conn_open: info, ops (with send and close) and out are required");
  }
  connection_sink* sink = ctx->services->connections;
  if (sink == nullptr) return refuse_open(BERTH_E_UNSUPPORTED, "this broker takes no connections");
  std::string reason;
  const berth_status status = sink->open(ctx->id, *info, *ops, conn_arg, out, reason);
  return status == BERTH_OK ? status : refuse_open(status, reason);
}

void host_conn_frame(berth_host_ctx* ctx, berth_conn* conn, berth_bytes frame) noexcept {
  if (conn == nullptr || ctx->services->connections == nullptr) return;
  ctx->services->connections->frame(conn, std::span<const uint8_t>(frame.ptr, frame.len));
}

void host_conn_closed(berth_host_ctx* ctx, berth_conn* conn) noexcept {
  if (conn == nullptr || ctx->services->connections == nullptr) return;
  ctx->services->connections->closed(conn);
}

berth_status host_conn_authenticate(berth_host_ctx* ctx, berth_conn* conn,
                                    const berth_credentials* credentials,
                                    berth_errbuf* err) noexcept {
  if (conn == nullptr || credentials == nullptr) {
    return refuse(BERTH_E_INVALID, "conn_authenticate: conn and credentials are required", err);
  }
  connection_sink* sink = ctx->services->connections;
  if (sink == nullptr) return refuse(BERTH_E_UNSUPPORTED, "this broker takes no connections", err);
  std::string reason;
  const berth_status status = sink->authenticate(conn, *credentials, reason);
  return status == BERTH_OK ? status : refuse(status, reason, err);
}

berth_status host_append(berth_host_ctx* ctx, const berth_message_view* const* messages,
                         uint32_t count, berth_errbuf* err) noexcept {
  own_topic_sink* sink = ctx->services->own_topics.load();
  if (sink == nullptr) return refuse(BERTH_E_CLOSED, "the broker's store is not ready", err);
  if (messages == nullptr && count > 0) return refuse(BERTH_E_INVALID, "append: no messages", err);
  std::string reason;
  const berth_status status =
      sink->append(std::span<const berth_message_view* const>(messages, count), reason);
  if (status != BERTH_OK) return refuse(status, reason, err);
  return BERTH_OK;
}

const berth_host table{
    sizeof(berth_host), BERTH_ABI_MAJOR, BERTH_ABI_MINOR,
    &host_log, &host_log_enabled, &host_config_get,
    &host_metric_register, &host_metric_add, &host_metric_set, &host_metric_observe,
    &host_now_ns, &host_post, &host_cancel,
    &host_broker_name, &host_data_dir, &host_instance_id,
    &host_conn_open, &host_conn_frame, &host_conn_closed,
    &host_append,
    &host_conn_authenticate,
};

}  // namespace

const berth_host* host_table() { return &table; }

}  // namespace berth::kernel::plugin_host
