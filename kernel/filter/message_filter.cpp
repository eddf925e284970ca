#include "filter/message_filter.hpp"

#include "plugin_host/filter_calls.hpp"

namespace berth::kernel::filter {

message_filter::message_filter(plugin_host::instance_ptr instance, berth_filter_expr* expr,
                               std::function<void()> count_error)
    : instance_(std::move(instance)),
      ops_(&instance_->ops<berth_filter_ops>()),
      expr_(expr),
      count_error_(std::move(count_error)) {}

message_filter::~message_filter() {
  if (expr_ != nullptr) ops_->release(expr_);
}

bool message_filter::may_match(uint64_t tag_hash) const {
  if (takes_all()) return true;
  return plugin_host::tag_hash_verdict(ops_, expr_, tag_hash).value_or(-1) != 0;
}

bool message_filter::matches(const berth_message_view& message) const {
  if (takes_all()) return true;
  // A verdict of 1 from the hash alone spares the full evaluation.
  if (plugin_host::tag_hash_verdict(ops_, expr_, message.tag_hash).value_or(-1) == 1) return true;
  const int32_t verdict = ops_->match(expr_, &message);
  if (verdict < 0 && count_error_) count_error_();
  return verdict > 0;
}

}  // namespace berth::kernel::filter
