// The service's blocking store work, run on the scheduler.
#include "transaction/transaction_service.hpp"

#include "store/message_view.hpp"
#include "topic/system_topics.hpp"
#include "transaction/half_messages.hpp"

#include <berth/wire/properties.hpp>

namespace berth::kernel::transaction {

namespace properties = wire::properties;
using store::property_of;

result<store::read_result> transaction_service::read_half(uint64_t offset) {
  const store::read_query query{.topic = topic::transaction_half_topic,
                                .queue_id = 0,
                                .offset = offset,
                                .max_messages = 1};
  auto read = store_.read(query);
  if (!read) return boost::outcome_v2::failure(read.error());
  const auto found = [&] { return read.value().found() && read.value()[0].queue_offset == offset; };
  if (!found()) {
    // An acknowledged append becomes readable shortly after its acknowledgement: a producer
    // that ends its transaction at once may be faster. sync() is the barrier.
    if (auto synced = store_.sync(); !synced) return boost::outcome_v2::failure(synced.error());
    read = store_.read(query);
    if (!read) return boost::outcome_v2::failure(read.error());
  }
  if (!found()) {
    return failure(BERTH_E_NOT_FOUND,
                   "the half message at offset " + std::to_string(offset) + " is not stored");
  }
  return std::move(read).value();
}

result<bool> transaction_service::committed_copy_exists(const berth_message_view& half) {
  const auto real_topic = property_of(half, properties::real_topic);
  const auto unique_key = property_of(half, properties::unique_key);
  const auto id = property_of(half, properties::transaction_id);
  if (!real_topic || !unique_key || !id) return false;
  // The copy may have been appended just now (a commit whose op record failed): index it first.
  if (auto synced = store_.sync(); !synced) return boost::outcome_v2::failure(synced.error());
  // The copy is stored after its half; a minute's margin for a clock stepped back.
  const int64_t since = half.store_time_ms - 60'000;
  auto found = store_.lookup_key({.topic = *real_topic,
                                  .key = *unique_key,
                                  .begin_ms = since,
                                  .max_messages = 64});
  if (!found) {
    if (found.error().code == BERTH_E_NOT_FOUND) return false;
    return boost::outcome_v2::failure(found.error());
  }
  for (const berth_message_view* m : found.value().messages()) {
    if (property_of(*m, properties::transaction_id) == *id) return true;
  }
  return false;
}

result<store::appended> transaction_service::append_one(store::message_builder& message) {
  const berth_message_view* views[] = {&message.view()};
  auto appended = store_.append(views);
  if (!appended) return boost::outcome_v2::failure(appended.error());
  return std::move(appended).value().front();
}

result<uint64_t> transaction_service::append_op(uint64_t half_offset) {
  if (auto made = topics_.ensure(topic::transaction_op_topic, {1, wire::default_perm}); !made) {
    return failure(BERTH_E_IO, made.error().message);
  }
  const uint64_t offsets[] = {half_offset};
  store::message_builder op = op_record(offsets);
  auto appended = append_one(op);
  if (!appended) return boost::outcome_v2::failure(appended.error());
  return appended.value().queue_offset;
}

}  // namespace berth::kernel::transaction
