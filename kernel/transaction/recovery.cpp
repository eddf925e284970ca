// At start: the unresolved halves are those in the half topic from the checkpoint on that no
// op record (from the checkpoint's op offset on) names.
#include "transaction/transaction_service.hpp"

#include "log/logger.hpp"
#include "store/message_view.hpp"
#include "topic/system_topics.hpp"
#include "transaction/checkpoint_file.hpp"
#include "transaction/half_messages.hpp"

#include <berth/wire/properties.hpp>

namespace berth::kernel::transaction {

namespace properties = wire::properties;
using store::property_of;
using store::text_of;

template <class Fn>
result<void> transaction_service::scan(std::string_view topic, uint64_t from, Fn&& fn) {
  auto bounds = store_.bounds_or_empty(topic, 0);
  if (!bounds) return boost::outcome_v2::failure(bounds.error());
  uint64_t offset = std::max(from, bounds.value().min_offset);
  while (offset < bounds.value().max_offset) {
    auto read = store_.read({.topic = topic, .queue_id = 0, .offset = offset, .max_messages = 256});
    if (!read) return boost::outcome_v2::failure(read.error());
    for (const berth_message_view* m : read.value().messages()) fn(*m);
    if (read.value().next_offset() <= offset) break;  // nothing more to read
    offset = read.value().next_offset();
  }
  return success();
}

result<void> transaction_service::recover() {
  auto loaded = load_checkpoint(checkpoint_file_);
  if (!loaded) return boost::outcome_v2::failure(loaded.error());
  const checkpoint start = std::move(loaded).value();
  // What the store recovered must be readable before it is scanned.
  if (auto synced = store_.sync(); !synced) return synced;
  table_ = std::make_unique<transaction_table>(start);
  saved_ = start;
  // The half and op topics are created on first use (topic_table::ensure), not here: a broker
  // that never sees a transaction lists no transaction topics.
  auto ops = scan(topic::transaction_op_topic, start.ops_from, [&](const berth_message_view& op) {
    for (const uint64_t half : half_offsets_of(op)) {
      table_->restore_resolution(half, op.queue_offset);
    }
  });
  if (!ops) return ops;
  size_t unresolved = 0;
  auto halves =
      scan(topic::transaction_half_topic, start.resolved_below, [&](const berth_message_view& h) {
        if (table_->resolved_since_checkpoint(h.queue_offset)) return;
        const auto checks = start.checks.find(h.queue_offset);
        table_->restore({h.queue_offset,
                         std::string(property_of(h, properties::transaction_id).value_or("")),
                         std::string(text_of(h.message_id)),
                         std::string(property_of(h, properties::producer_group).value_or("")),
                         h.store_time_ms, checks == start.checks.end() ? 0 : checks->second,
                         true});
        ++unresolved;
      });
  if (!halves) return halves;
  auto half_bounds = store_.bounds_or_empty(topic::transaction_half_topic, 0);
  auto op_bounds = store_.bounds_or_empty(topic::transaction_op_topic, 0);
  if (half_bounds && op_bounds) {
    table_->restore_extent(half_bounds.value().max_offset, op_bounds.value().max_offset);
  }
  log::module("transaction")
      ->info("{} unresolved transaction(s) found (halves scanned from offset {}, op records "
             "from {})",
             unresolved, start.resolved_below, start.ops_from);
  return success();
}

}  // namespace berth::kernel::transaction
