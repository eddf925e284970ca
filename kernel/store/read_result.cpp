#include "store/read_result.hpp"

#include <fmt/format.h>

#include <utility>

namespace berth::kernel::store {

result<read_result> read_result::adopt(plugin_host::instance_ptr instance,
                                       const berth_store_ops* ops, berth_read_result* raw) {
  const std::string name = instance->plugin().name();
  if (raw == nullptr) {
    return failure(BERTH_E_INTERNAL,
                   fmt::format("store plugin '{}' reported success without a result", name));
  }
  read_result owned(std::move(instance), ops, raw);  // releases on every path below
  if (!BERTH_HAS_FIELD(raw, berth_read_result, max_offset)) {
    return failure(BERTH_E_INTERNAL,
                   fmt::format("store plugin '{}' handed out a read result of {} bytes, shorter "
                               "than ABI 1.2's {}", name, raw->struct_size,
                               sizeof(berth_read_result)));
  }
  if (raw->count > 0 && raw->messages == nullptr) {
    return failure(BERTH_E_INTERNAL,
                   fmt::format("store plugin '{}' handed out {} messages without views", name,
                               raw->count));
  }
  return owned;
}

read_result::read_result(plugin_host::instance_ptr instance, const berth_store_ops* ops,
                         berth_read_result* raw) noexcept
    : instance_(std::move(instance)), ops_(ops), raw_(raw) {}

read_result::read_result(read_result&& other) noexcept
    : instance_(std::move(other.instance_)),
      ops_(other.ops_),
      raw_(std::exchange(other.raw_, nullptr)) {}

read_result& read_result::operator=(read_result&& other) noexcept {
  if (this != &other) {
    release();
    instance_ = std::move(other.instance_);
    ops_ = other.ops_;
    raw_ = std::exchange(other.raw_, nullptr);
  }
  return *this;
}

read_result::~read_result() { release(); }

void read_result::release() noexcept {
  if (raw_ != nullptr) ops_->release(instance_->handle(), std::exchange(raw_, nullptr));
}

std::span<const berth_message_view* const> read_result::messages() const {
  if (raw_->count == 0) return {};
  return {raw_->messages, raw_->count};
}

}  // namespace berth::kernel::store
