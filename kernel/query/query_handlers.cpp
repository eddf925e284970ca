#include "query/query_handlers.hpp"

#include "delivery/message_reply.hpp"
#include "group/request_checks.hpp"
#include "protocol/store_status.hpp"

#include <berth/wire/bodies.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace berth::kernel::query {
namespace {

using delivery::answer_with_messages;
using delivery::message_layout;

void answer_store_error(const protocol::responder& answer, const berth::error& e,
                        std::string_view not_found) {
  if (e.code == BERTH_E_NOT_FOUND) return answer.fail(wire::status::not_found, std::string(not_found));
  answer.fail(protocol::status_of_store_error(e.code), e.message);
}

void by_id(store::store& store, const protocol::request& req, const protocol::responder& answer) {
  auto body = wire::decode<wire::message_by_id_request>(req.body, req.header.code);
  if (!body) return answer.fail(body.error().status, body.error().message);
  auto found = store.lookup_id(body->message_id);
  if (!found || found.value().empty()) {
    const std::string missing = fmt::format("no message with id '{}'", body->message_id);
    if (!found) return answer_store_error(answer, found.error(), missing);
    return answer.fail(wire::status::not_found, missing);
  }
  const auto first = found.value().messages().first(1);
  answer_with_messages(answer, std::move(found).value(), first, message_layout::one);
}

void by_key(topic::topic_table& topics, store::store& store, const protocol::request& req,
            const protocol::responder& answer) {
  auto body = wire::decode<wire::message_by_key_request>(req.body, req.header.code);
  if (!body) return answer.fail(body.error().status, body.error().message);
  auto topic = group::existing_topic(topics, body->topic);
  if (const auto* why = std::get_if<group::refusal>(&topic)) {
    return answer.fail(why->status, why->message);
  }
  if (body->key.empty()) return answer.fail(wire::status::invalid_argument, "key: empty");
  store::key_query query;
  query.topic = body->topic;
  query.key = body->key;
  query.begin_ms = body->begin_ms;
  query.end_ms = body->end_ms == 0 ? std::numeric_limits<int64_t>::max() : body->end_ms;
  query.max_messages = body->max == 0 ? 32 : std::min(body->max, max_key_matches);
  auto found = store.lookup_key(query);
  if (!found) {
    if (found.error().code == BERTH_E_NOT_FOUND) {  // no match is an empty list, not an error
      return answer.ok(wire::stored_message_list{});
    }
    return answer_store_error(answer, found.error(), "");
  }
  const auto all = found.value().messages();
  answer_with_messages(answer, std::move(found).value(), all, message_layout::list);
}

void at(topic::topic_table& topics, store::store& store, const protocol::request& req,
        const protocol::responder& answer) {
  auto body = wire::decode<wire::message_at_request>(req.body, req.header.code);
  if (!body) return answer.fail(body.error().status, body.error().message);
  auto queue = group::existing_queue(topics, body->topic, body->queue_id);
  if (const auto* why = std::get_if<group::refusal>(&queue)) {
    return answer.fail(why->status, why->message);
  }
  store::read_query query;
  query.topic = body->topic;
  query.queue_id = body->queue_id;
  query.offset = body->offset;
  query.max_messages = 1;
  auto found = store.read(query);
  if (!found) return answer_store_error(answer, found.error(), "");
  store::read_result& r = found.value();
  if (!r.found() || r[0].queue_offset != body->offset) {
    return answer.fail(wire::status::not_found,
                       fmt::format("topic '{}' queue {} holds offsets [{}, {}): nothing at {}",
                                   body->topic, body->queue_id, r.min_offset(), r.max_offset(),
                                   body->offset));
  }
  const auto first = r.messages().first(1);
  answer_with_messages(answer, std::move(r), first, message_layout::one);
}

}  // namespace

void add_query_handlers(protocol::router& routes, topic::topic_table& topics, store::store& store) {
  routes.add(wire::code::message_by_id,
             [&store](const protocol::request& req, const protocol::responder& answer) {
               by_id(store, req, answer);
             });
  routes.add(wire::code::message_by_key,
             [&topics, &store](const protocol::request& req, const protocol::responder& answer) {
               by_key(topics, store, req, answer);
             });
  routes.add(wire::code::message_at,
             [&topics, &store](const protocol::request& req, const protocol::responder& answer) {
               at(topics, store, req, answer);
             });
}

}  // namespace berth::kernel::query
