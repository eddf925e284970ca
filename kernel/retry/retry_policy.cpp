#include "retry/retry_policy.hpp"

#include "store/message_view.hpp"
#include "timer/delay_request.hpp"
#include "topic/system_topics.hpp"

#include <berth/wire/properties.hpp>
#include <berth/wire/retry_bodies.hpp>

#include <algorithm>
#include <string>

namespace berth::kernel::retry {

namespace properties = wire::properties;

namespace {
// RocketMQ starts a consumer's retries at level 3 (10 s): levels 1 and 2 are too short for a
// failure to heal.
constexpr int first_retry_level = 3;
}  // namespace

bool valid_send_back_level(int32_t delay_level) {
  return delay_level >= wire::send_back_to_dead_letters && delay_level <= timer::max_delay_level;
}

retry_decision decide_retry(uint32_t reconsume_times, int32_t delay_level,
                            uint32_t max_reconsume) {
  if (delay_level < 0 || reconsume_times >= max_reconsume) return to_dead_letters{};
  const int64_t automatic = int64_t{first_retry_level} + reconsume_times;
  const int level = delay_level > 0
                        ? delay_level
                        : static_cast<int>(std::min<int64_t>(automatic, timer::max_delay_level));
  return retry_later{level, *timer::delay_of_level(level)};
}

store::message_builder retry_copy_of(std::string_view group, const berth_message_view& failed) {
  store::message_builder copy = store::message_builder::copy_of(failed);
  copy.topic(topic::retry_topic_of(group)).queue_id(0).reconsume_times(failed.reconsume_times + 1);
  if (!store::property_of(failed, properties::retry_topic)) {
    copy.set_property(properties::retry_topic, std::string(store::text_of(failed.topic)));
  }
  if (!store::property_of(failed, properties::origin_message_id)) {
    copy.set_property(properties::origin_message_id, std::string(store::text_of(failed.message_id)));
  }
  return copy;
}

}  // namespace berth::kernel::retry
