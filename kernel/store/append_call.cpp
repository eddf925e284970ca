#include "store/append_call.hpp"

#include "log/logger.hpp"
#include "store/plugin_call.hpp"

#include <memory>
#include <utility>

namespace berth::kernel::store::detail {
namespace {

// The caller's callback must not let an exception escape into the store's thread.
void run_callback(const append_callback& callback, result<std::vector<appended>> outcome) noexcept {
  try {
    callback(std::move(outcome));
  } catch (const std::exception& e) {
    log::module("store")->error("append callback threw: {}", e.what());
  } catch (...) {
    log::module("store")->error("append callback threw a non-standard exception");
  }
}

}  // namespace

append_call::append_call(size_t count, std::string plugin, append_callback callback)
    : slots_(append_slots(count)), plugin_(std::move(plugin)), callback_(std::move(callback)) {}

void append_call::start(const berth_store_ops& ops, berth_instance* handle, std::string plugin,
                        std::span<const berth_message_view* const> messages,
                        append_callback callback) {
  std::unique_ptr<append_call> call(
      new append_call(messages.size(), std::move(plugin), std::move(callback)));
  error_buffer err;
  const berth_status status =
      ops.append(handle, messages.data(), static_cast<uint32_t>(messages.size()),
                 call->slots_.data(), sizeof(berth_append_result), &append_call::on_done,
                 call.get(), err.abi());
  if (status != BERTH_OK) {  // done is never called: deliver the refusal here
    run_callback(call->callback_, fail(call_error(status, err.text(), call->plugin_, "append")));
    return;
  }
  call.release()->arrive();
}

void append_call::on_done(void* arg, berth_status status, const char* error) noexcept {
  auto* call = static_cast<append_call*>(arg);
  call->ack_status_ = status;
  if (status != BERTH_OK) {
    try {
      call->ack_error_ = error == nullptr ? "" : error;  // valid for this call only
    } catch (...) {
      // Out of memory: call_error() says which plugin failed instead.
    }
  }
  call->arrive();
}

void append_call::arrive() noexcept {
  if (pending_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  deliver();
  delete this;
}

void append_call::deliver() noexcept {
  try {
    if (ack_status_ != BERTH_OK) {
      run_callback(callback_, fail(call_error(ack_status_, ack_error_, plugin_, "append")));
    } else {
      run_callback(callback_, to_appended(slots_));
    }
  } catch (...) {  // out of memory building the outcome; an empty message needs none
    run_callback(callback_, failure(BERTH_E_NOMEM, std::string{}));
  }
}

}  // namespace berth::kernel::store::detail
