// read_result: owns one berth_read_result handed out by a store plugin's read() or lookups
// and gives it back (ops.release) when destroyed. The views point into the store's memory and
// stay valid and unchanged for as long as this object lives, whatever the store does
// meanwhile (appends, retention). Holds the plugin instance, so the plugin outlives it.
#pragma once

#include "common/result.hpp"
#include "plugin_host/instance.hpp"

#include <berth/abi/berth_store.h>

#include <cstdint>
#include <span>

namespace berth::kernel::store {

class read_result {
 public:
  // Take ownership of `raw` from `ops` of `instance`. A result too short for ABI 1.2 or
  // claiming messages without views is released at once and reported as BERTH_E_INTERNAL.
  static result<read_result> adopt(plugin_host::instance_ptr instance,
                                   const berth_store_ops* ops, berth_read_result* raw);

  read_result(read_result&& other) noexcept;
  read_result& operator=(read_result&& other) noexcept;
  read_result(const read_result&) = delete;
  read_result& operator=(const read_result&) = delete;
  ~read_result();

  // Accessors require an object that was not moved from.
  // BERTH_READ_*.
  [[nodiscard]] uint32_t status() const { return raw_->status; }
  [[nodiscard]] bool found() const { return raw_->status == BERTH_READ_FOUND && raw_->count > 0; }
  [[nodiscard]] std::span<const berth_message_view* const> messages() const;
  [[nodiscard]] size_t size() const { return raw_->count; }
  [[nodiscard]] bool empty() const { return raw_->count == 0; }
  [[nodiscard]] const berth_message_view& operator[](size_t i) const { return *raw_->messages[i]; }
  [[nodiscard]] uint64_t next_offset() const { return raw_->next_offset; }
  [[nodiscard]] uint64_t min_offset() const { return raw_->min_offset; }
  [[nodiscard]] uint64_t max_offset() const { return raw_->max_offset; }

 private:
  read_result(plugin_host::instance_ptr instance, const berth_store_ops* ops,
              berth_read_result* raw) noexcept;
  void release() noexcept;

  plugin_host::instance_ptr instance_;  // declared first: released after the result
  const berth_store_ops* ops_ = nullptr;
  berth_read_result* raw_ = nullptr;    // null only when moved from
};

}  // namespace berth::kernel::store
