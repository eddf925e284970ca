// One compiled subscription expression, as the delivery paths use it. A "*" tag subscription
// compiles to nothing and takes every message; anything else holds the filter plugin's
// compiled expression (and the plugin instance, so its code outlives the expression).
#pragma once

#include "plugin_host/instance.hpp"

#include <berth/abi/berth_filter.h>

#include <cstdint>
#include <functional>
#include <memory>

namespace berth::kernel::filter {

class message_filter {
 public:
  // The filter that takes every message.
  message_filter() = default;
  // Owns `expr`, made by `instance`'s compile(); releases it when destroyed. `count_error`
  // counts evaluation errors (a script that failed, a value that did not convert).
  message_filter(plugin_host::instance_ptr instance, berth_filter_expr* expr,
                 std::function<void()> count_error);
  ~message_filter();
  message_filter(const message_filter&) = delete;
  message_filter& operator=(const message_filter&) = delete;

  [[nodiscard]] bool takes_all() const { return expr_ == nullptr; }
  // The store's fast path on a queue entry: false when the entry cannot match, so the
  // message is not even read.
  [[nodiscard]] bool may_match(uint64_t tag_hash) const;
  // The full decision on a read message. Any thread, concurrently.
  [[nodiscard]] bool matches(const berth_message_view& message) const;

 private:
  plugin_host::instance_ptr instance_;
  const berth_filter_ops* ops_ = nullptr;
  berth_filter_expr* expr_ = nullptr;
  std::function<void()> count_error_;
};

using filter_ptr = std::shared_ptr<const message_filter>;

}  // namespace berth::kernel::filter
