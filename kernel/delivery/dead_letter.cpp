#include "delivery/dead_letter.hpp"

#include "store/message_view.hpp"
#include "topic/system_topics.hpp"

#include <berth/wire/properties.hpp>

#include <string>

namespace berth::kernel::delivery {

namespace properties = wire::properties;

store::message_builder dead_letter_of(std::string_view group, const berth_message_view& failed) {
  store::message_builder copy = store::message_builder::copy_of(failed);
  const std::string_view origin_topic =
      store::property_of(failed, properties::retry_topic).value_or(store::text_of(failed.topic));
  const std::string_view origin_id = store::property_of(failed, properties::origin_message_id)
                                         .value_or(store::text_of(failed.message_id));
  copy.topic(topic::dead_letter_topic_of(group)).queue_id(0);
  copy.set_property(properties::dead_letter_origin_topic, std::string(origin_topic));
  copy.set_property(properties::dead_letter_origin_message_id, std::string(origin_id));
  return copy;
}

void send_to_dead_letters(topic::topic_table& topics, store::store& store, std::string_view group,
                          const berth_message_view& failed,
                          std::function<void(result<store::appended>)> done) {
  store::message_builder copy = dead_letter_of(group, failed);
  if (auto made = topics.ensure(copy.topic(), {1, wire::default_perm}); !made) {
    const bool invalid = made.error().code == topic::errc::invalid_argument;
    return done(failure(invalid ? BERTH_E_INVALID : BERTH_E_IO, made.error().message));
  }
  const berth_message_view* views[] = {&copy.view()};  // read during the call only
  store.append_async(views, [done = std::move(done)](result<std::vector<store::appended>> r) {
    if (!r) return done(std::move(r).error());
    done(std::move(r).value().front());
  });
}

}  // namespace berth::kernel::delivery
