#include "topic/topic_handlers.hpp"

#include "topic/topic_view.hpp"

#include <berth/wire/bodies.hpp>
#include <berth/wire/reader.hpp>

namespace berth::kernel::topic {
namespace {

wire::status status_of(errc code) {
  switch (code) {
    case errc::invalid_argument: return wire::status::invalid_argument;
    case errc::exists: return wire::status::topic_exists;
    case errc::no_topic: return wire::status::no_topic;
    case errc::io: return wire::status::internal;
  }
  return wire::status::internal;
}

void answer_error(const protocol::responder& answer, const topic_error& error) {
  answer.fail(status_of(error.code), error.message);
}

// Decode the body as T, or answer MALFORMED_REQUEST naming the field and return nullopt.
template <class T>
std::optional<T> decode_or_fail(const protocol::request& req, const protocol::responder& answer) {
  auto body = wire::decode<T>(req.body, req.header.code);
  if (!body) {
    answer.fail(body.error().status, body.error().message);
    return std::nullopt;
  }
  return *body;
}

void create_topic(topic_table& topics, const protocol::request& req,
                  const protocol::responder& answer) {
  const auto body = decode_or_fail<wire::topic_create_request>(req, answer);
  if (!body) return;
  auto made = topics.create(body->topic, {body->queues, body->perm});
  if (!made) return answer_error(answer, made.error());
  answer.ok();
}

void list_topics(const topic_table& topics, const protocol::request& req,
                 const protocol::responder& answer) {
  if (!decode_or_fail<wire::topic_list_request>(req, answer)) return;
  const std::vector<std::string> names = topics.names();
  wire::topic_list_response out;
  out.names.assign(names.begin(), names.end());  // views of `names`, alive until ok() returns
  answer.ok(out);
}

void describe_topic(const topic_table& topics, store::store* store,
                    const protocol::request& req, const protocol::responder& answer) {
  const auto body = decode_or_fail<wire::topic_describe_request>(req, answer);
  if (!body) return;
  auto view = view_topic(topics, store, body->topic);
  if (!view) return answer.fail(wire::status::store_failed, view.error().message);
  if (!view.value()) {
    return answer.fail(wire::status::no_topic,
                       "topic '" + std::string(body->topic) + "' does not exist");
  }
  wire::topic_describe_response out;
  out.queues = view.value()->settings.queues;
  out.perm = view.value()->settings.perm;
  out.queue_states.reserve(out.queues);
  for (const queue_range& q : view.value()->queues) {
    out.queue_states.push_back(wire::queue_state{q.queue_id, q.min_offset, q.max_offset});
  }
  answer.ok(out);
}

void delete_topic(topic_table& topics, const topic_deleted& deleted,
                  const protocol::request& req, const protocol::responder& answer) {
  const auto body = decode_or_fail<wire::topic_delete_request>(req, answer);
  if (!body) return;
  auto removed = topics.remove(body->topic);
  if (!removed) return answer_error(answer, removed.error());
  if (deleted) deleted(body->topic);
  answer.ok();
}

}  // namespace

void add_topic_handlers(protocol::router& routes, topic_table& topics, store::store* store,
                        topic_deleted deleted) {
  routes.add(wire::code::topic_create,
             [&topics](const protocol::request& req, const protocol::responder& answer) {
               create_topic(topics, req, answer);
             });
  routes.add(wire::code::topic_list,
             [&topics](const protocol::request& req, const protocol::responder& answer) {
               list_topics(topics, req, answer);
             });
  routes.add(wire::code::topic_describe,
             [&topics, store](const protocol::request& req, const protocol::responder& answer) {
               describe_topic(topics, store, req, answer);
             });
  routes.add(wire::code::topic_delete,
             [&topics, deleted = std::move(deleted)](const protocol::request& req,
                                                     const protocol::responder& answer) {
               delete_topic(topics, deleted, req, answer);
             });
}

}  // namespace berth::kernel::topic
