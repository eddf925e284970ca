// LOCK_QUEUES and UNLOCK_QUEUES: ordered consumers hold the queues they process
// (queue_locks.hpp).
#include "group/group_service.hpp"

#include <berth/wire/lock_bodies.hpp>

#include <fmt/format.h>

namespace berth::kernel::group {

namespace {

// A valid group, an existing topic, every queue one of its queues, a client id.
std::optional<refusal> check_lock_request(const topic::topic_table& topics,
                                          const wire::queue_lock_request& r) {
  if (auto bad = check_group_name(r.group)) return bad;
  if (r.client_id.empty()) return refusal{wire::status::invalid_argument, "client_id: empty"};
  auto found = existing_topic(topics, r.topic);
  if (auto* why = std::get_if<refusal>(&found)) return std::move(*why);
  const uint32_t queues = std::get<topic::topic_settings>(found).queues;
  for (const uint32_t q : r.queue_ids) {
    if (q >= queues) {
      return refusal{wire::status::no_queue,
                     fmt::format("topic '{}' has queues 0 to {}: no queue {}", r.topic,
                                 queues - 1, q)};
    }
  }
  return std::nullopt;
}

}  // namespace

void group_service::lock_queues(const protocol::request& req, const protocol::responder& answer) {
  auto body = wire::decode<wire::queue_lock_request>(req.body, req.header.code);
  if (!body) return answer.fail(body.error().status, body.error().message);
  if (auto bad = check_lock_request(topics_, *body)) return refuse(answer, *bad);
  answer.ok(wire::queue_lock_response{locks_.lock(body->group, body->topic, body->client_id,
                                                  answer.connection(), body->queue_ids,
                                                  clock::now())});
}

void group_service::unlock_queues(const protocol::request& req,
                                  const protocol::responder& answer) {
  auto body = wire::decode<wire::queue_lock_request>(req.body, req.header.code);
  if (!body) return answer.fail(body.error().status, body.error().message);
  if (auto bad = check_lock_request(topics_, *body)) return refuse(answer, *bad);
  locks_.unlock(body->group, body->topic, body->client_id, body->queue_ids);
  answer.ok();
}

}  // namespace berth::kernel::group
