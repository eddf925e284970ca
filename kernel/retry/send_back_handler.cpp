#include "retry/send_back_handler.hpp"

#include "delivery/dead_letter.hpp"
#include "group/request_checks.hpp"
#include "protocol/store_status.hpp"
#include "retry/retry_policy.hpp"
#include "topic/system_topics.hpp"

#include <berth/wire/retry_bodies.hpp>

#include <fmt/format.h>

#include <string>

namespace berth::kernel::retry {
namespace {

using protocol::status_of_store_error;

void answer_stored(const protocol::responder& answer, const result<store::appended>& stored,
                   wire::send_back_response out) {
  if (!stored) {
    return answer.fail(status_of_store_error(stored.error().code), stored.error().message);
  }
  out.message_id = stored.value().message_id;
  answer.ok(out);
}

class send_back_handler {
 public:
  send_back_handler(topic::topic_table& topics, store::store& store, timer::timer_service& timer,
                    send_back_settings settings)
      : topics_(topics), store_(store), timer_(timer), settings_(settings) {}

  void handle(const protocol::request& req, const protocol::responder& answer) {
    auto body = wire::decode<wire::send_back_request>(req.body, req.header.code);
    if (!body) return answer.fail(body.error().status, body.error().message);
    const wire::send_back_request& r = *body;
    if (auto bad = group::check_group_name(r.group)) return answer.fail(bad->status, bad->message);
    auto queue = group::existing_queue(topics_, r.topic, r.queue_id);
    if (const auto* why = std::get_if<group::refusal>(&queue)) {
      return answer.fail(why->status, why->message);
    }
    if (!valid_send_back_level(r.delay_level)) {
      return answer.fail(wire::status::invalid_delay,
                         fmt::format("delay_level {}: -1 (dead letters), 0 (automatic backoff) "
                                     "or a level 1 to 18",
                                     r.delay_level));
    }
    if (r.max_reconsume > max_reconsume_limit) {
      return answer.fail(wire::status::invalid_argument,
                         fmt::format("max_reconsume {}: at most {}, or 0 for the broker's {}",
                                     r.max_reconsume, max_reconsume_limit,
                                     settings_.max_reconsume));
    }
    store::read_query query;
    query.topic = r.topic;
    query.queue_id = r.queue_id;
    query.offset = r.queue_offset;
    query.max_messages = 1;
    auto found = store_.read(query);
    if (!found) {
      return answer.fail(status_of_store_error(found.error().code), found.error().message);
    }
    const store::read_result& read = found.value();
    if (!read.found() || read[0].queue_offset != r.queue_offset) {
      return answer.fail(wire::status::not_found,
                         fmt::format("topic '{}' queue {} holds offsets [{}, {}): nothing at {}",
                                     r.topic, r.queue_id, read.min_offset(), read.max_offset(),
                                     r.queue_offset));
    }
    const berth_message_view& failed = read[0];
    const uint32_t max_reconsume = r.max_reconsume != 0 ? r.max_reconsume : settings_.max_reconsume;
    const retry_decision decision = decide_retry(failed.reconsume_times, r.delay_level, max_reconsume);
    if (std::holds_alternative<to_dead_letters>(decision)) {
      const uint32_t times = failed.reconsume_times;
      return delivery::send_to_dead_letters(
          topics_, store_, r.group, failed, [answer, times](result<store::appended> stored) {
            answer_stored(answer, stored, wire::send_back_response{true, {}, times, 0});
          });
    }
    park_retry(answer, r.group, failed, std::get<retry_later>(decision));
  }

 private:
  void park_retry(const protocol::responder& answer, std::string_view group,
                  const berth_message_view& failed, const retry_later& when) {
    // The retry topic is the group's own, made on first use whatever auto-creation says.
    if (auto made = topics_.ensure(topic::retry_topic_of(group), {1, wire::default_perm}); !made) {
      return answer.fail(wire::status::store_failed,
                         "cannot create the retry topic: " + made.error().message);
    }
    store::message_builder copy = retry_copy_of(group, failed);
    const uint32_t times = copy.reconsume_times();
    const int64_t due = timer_.now_ms() + when.delay.count();
    timer_.park(std::move(copy), due, [answer, times, due](result<store::appended> stored) {
      answer_stored(answer, stored, wire::send_back_response{false, {}, times, due});
    });
  }

  topic::topic_table& topics_;
  store::store& store_;
  timer::timer_service& timer_;
  const send_back_settings settings_;
};

}  // namespace

void add_send_back_handler(protocol::router& routes, topic::topic_table& topics,
                           store::store& store, timer::timer_service& timer,
                           send_back_settings settings) {
  auto handler = std::make_shared<send_back_handler>(topics, store, timer, settings);
  routes.add(wire::code::send_back,
             [handler](const protocol::request& req, const protocol::responder& answer) {
               handler->handle(req, answer);
             });
}

}  // namespace berth::kernel::retry
