#include "store/store.hpp"

#include "log/logger.hpp"
#include "store/append_call.hpp"
#include "store/plugin_call.hpp"

#include <fmt/format.h>

#include <limits>
#include <utility>

// True when the plugin's table has `member` (it was built against an ABI that defines it)
// and fills it.
#define BERTH_STORE_HAS(ops, member) \
  (BERTH_HAS_FIELD(ops, berth_store_ops, member) && (ops)->member != nullptr)

namespace berth::kernel::store {
namespace {

berth_str abi(std::string_view s) { return berth_str{s.data(), s.size()}; }
std::string_view view(berth_str s) { return s.len == 0 ? std::string_view{} : std::string_view{s.ptr, s.len}; }

int32_t accept_trampoline(void* arg, uint64_t tag_hash) noexcept {
  try {
    return (*static_cast<const tag_hash_filter*>(arg))(tag_hash) ? 1 : 0;
  } catch (...) {
    return 1;  // keep: a broken filter must not lose messages
  }
}

void arrival_trampoline(void* arg, berth_str topic, uint32_t queue_id,
                        uint64_t max_offset) noexcept {
  try {
    (*static_cast<const arrival_listener*>(arg))(view(topic), queue_id, max_offset);
  } catch (const std::exception& e) {
    log::module("store")->error("arrival listener threw: {}", e.what());
  } catch (...) {
    log::module("store")->error("arrival listener threw a non-standard exception");
  }
}

}  // namespace

result<std::unique_ptr<store>> store::wrap(plugin_host::instance_ptr instance) {
  if (instance == nullptr) return failure(BERTH_E_INVALID, "no store instance given");
  if (instance->kind() != config::plugin_kind::store) {
    return failure(BERTH_E_INVALID, fmt::format("plugin instance '{}' is a {}, not a store",
                                                instance->id(), config::to_string(instance->kind())));
  }
  return std::unique_ptr<store>(new store(std::move(instance)));
}

store::store(plugin_host::instance_ptr instance)
    : instance_(std::move(instance)), ops_(&instance_->ops<berth_store_ops>()) {}

store::~store() {
  if (listener_ && BERTH_STORE_HAS(ops_, set_arrival_listener)) {
    ops_->set_arrival_listener(instance_->handle(), nullptr, nullptr);
  }
}

bool store::has_message_ops() const {
  return BERTH_STORE_HAS(ops_, append) && BERTH_STORE_HAS(ops_, read) &&
         BERTH_STORE_HAS(ops_, release) && BERTH_STORE_HAS(ops_, queue_bounds) &&
         BERTH_STORE_HAS(ops_, offset_by_time) && BERTH_STORE_HAS(ops_, lookup_id) &&
         BERTH_STORE_HAS(ops_, lookup_key) && BERTH_STORE_HAS(ops_, run_retention) &&
         BERTH_STORE_HAS(ops_, stats) && BERTH_STORE_HAS(ops_, set_arrival_listener);
}

berth::error store::predates(std::string_view operation) const {
  return detail::predates_error(plugin_name(), instance_->plugin().abi_version(), operation);
}

berth::error store::failed(berth_status status, std::string_view message,
                           std::string_view operation) const {
  return detail::call_error(status, message, plugin_name(), operation);
}

result<std::vector<appended>> store::append(std::span<const berth_message_view* const> messages) {
  if (!BERTH_STORE_HAS(ops_, append)) return detail::fail(predates("append"));
  if (messages.size() > std::numeric_limits<uint32_t>::max()) {
    return failure(BERTH_E_INVALID, "append: more than 2^32-1 messages in one batch");
  }
  std::vector<berth_append_result> slots = detail::append_slots(messages.size());
  detail::error_buffer err;
  const berth_status status = ops_->append(
      instance_->handle(), messages.data(), static_cast<uint32_t>(messages.size()), slots.data(),
      sizeof(berth_append_result), nullptr, nullptr, err.abi());
  if (status != BERTH_OK) return detail::fail(failed(status, err.text(), "append"));
  return detail::to_appended(slots);
}

void store::append_async(std::span<const berth_message_view* const> messages,
                         append_callback callback) {
  if (!BERTH_STORE_HAS(ops_, append)) {
    callback(detail::fail(predates("append")));
    return;
  }
  if (messages.size() > std::numeric_limits<uint32_t>::max()) {
    callback(failure(BERTH_E_INVALID, "append: more than 2^32-1 messages in one batch"));
    return;
  }
  detail::append_call::start(*ops_, instance_->handle(), plugin_name(), messages,
                             std::move(callback));
}

result<void> store::sync() {
  if (!BERTH_STORE_HAS(ops_, sync)) return detail::fail(predates("sync"));
  detail::error_buffer err;
  const berth_status status = ops_->sync(instance_->handle(), err.abi());
  if (status != BERTH_OK) return detail::fail(failed(status, err.text(), "sync"));
  return success();
}

result<read_result> store::read(const read_query& query) {
  if (!BERTH_STORE_HAS(ops_, read) || !BERTH_STORE_HAS(ops_, release)) {
    return detail::fail(predates("read"));
  }
  berth_read_request request{};
  request.struct_size = sizeof request;
  request.queue_id = query.queue_id;
  request.topic = abi(query.topic);
  request.offset = query.offset;
  request.max_messages = query.max_messages;
  request.max_bytes = query.max_bytes;
  request.max_scan = query.max_scan;
  if (query.accept) {
    request.accept = &accept_trampoline;
    request.accept_arg = const_cast<tag_hash_filter*>(&query.accept);
  }
  berth_read_result* raw = nullptr;
  detail::error_buffer err;
  const berth_status status = ops_->read(instance_->handle(), &request, &raw, err.abi());
  if (status != BERTH_OK) return detail::fail(failed(status, err.text(), "read"));
  return read_result::adopt(instance_, ops_, raw);
}

result<queue_bounds> store::bounds(std::string_view topic, uint32_t queue_id) {
  if (!BERTH_STORE_HAS(ops_, queue_bounds)) return detail::fail(predates("queue_bounds"));
  queue_bounds out;
  detail::error_buffer err;
  const berth_status status = ops_->queue_bounds(instance_->handle(), abi(topic), queue_id,
                                                 &out.min_offset, &out.max_offset, err.abi());
  if (status != BERTH_OK) return detail::fail(failed(status, err.text(), "queue_bounds"));
  return out;
}

result<queue_bounds> store::bounds_or_empty(std::string_view topic, uint32_t queue_id) {
  auto found = bounds(topic, queue_id);
  if (!found && found.error().code == BERTH_E_NOT_FOUND) return queue_bounds{};
  return found;
}

result<uint64_t> store::offset_by_time(std::string_view topic, uint32_t queue_id, int64_t time_ms) {
  if (!BERTH_STORE_HAS(ops_, offset_by_time)) return detail::fail(predates("offset_by_time"));
  uint64_t out = 0;
  detail::error_buffer err;
  const berth_status status =
      ops_->offset_by_time(instance_->handle(), abi(topic), queue_id, time_ms, &out, err.abi());
  if (status != BERTH_OK) return detail::fail(failed(status, err.text(), "offset_by_time"));
  return out;
}

result<read_result> store::lookup_id(std::string_view message_id) {
  if (!BERTH_STORE_HAS(ops_, lookup_id) || !BERTH_STORE_HAS(ops_, release)) {
    return detail::fail(predates("lookup_id"));
  }
  berth_read_result* raw = nullptr;
  detail::error_buffer err;
  const berth_status status = ops_->lookup_id(instance_->handle(), abi(message_id), &raw, err.abi());
  if (status != BERTH_OK) return detail::fail(failed(status, err.text(), "lookup_id"));
  return read_result::adopt(instance_, ops_, raw);
}

result<read_result> store::lookup_key(const key_query& query) {
  if (!BERTH_STORE_HAS(ops_, lookup_key) || !BERTH_STORE_HAS(ops_, release)) {
    return detail::fail(predates("lookup_key"));
  }
  berth_read_result* raw = nullptr;
  detail::error_buffer err;
  const berth_status status =
      ops_->lookup_key(instance_->handle(), abi(query.topic), abi(query.key), query.begin_ms,
                       query.end_ms, query.max_messages, &raw, err.abi());
  if (status != BERTH_OK) return detail::fail(failed(status, err.text(), "lookup_key"));
  return read_result::adopt(instance_, ops_, raw);
}

result<retention_report> store::run_retention(uint32_t flags, int64_t now_ms) {
  if (!BERTH_STORE_HAS(ops_, run_retention)) return detail::fail(predates("run_retention"));
  retention_report report{};
  report.struct_size = sizeof report;
  detail::error_buffer err;
  const berth_status status =
      ops_->run_retention(instance_->handle(), now_ms, flags, &report, err.abi());
  if (status != BERTH_OK) return detail::fail(failed(status, err.text(), "run_retention"));
  return report;
}

result<store_stats> store::stats() {
  if (!BERTH_STORE_HAS(ops_, stats)) return detail::fail(predates("stats"));
  store_stats out{};
  out.struct_size = sizeof out;
  ops_->stats(instance_->handle(), &out);
  return out;
}

result<void> store::set_arrival_listener(arrival_listener listener) {
  if (!BERTH_STORE_HAS(ops_, set_arrival_listener)) {
    return detail::fail(predates("set_arrival_listener"));
  }
  std::lock_guard lock(listener_mutex_);
  std::unique_ptr<arrival_listener> next;
  if (listener) next = std::make_unique<arrival_listener>(std::move(listener));
  ops_->set_arrival_listener(instance_->handle(), next ? &arrival_trampoline : nullptr, next.get());
  listener_ = std::move(next);  // the previous one no longer runs: free it
  return success();
}

}  // namespace berth::kernel::store
