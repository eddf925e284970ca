// COMMIT_OFFSET and QUERY_OFFSET: a group's position in one queue.
#include "group/group_service.hpp"

#include <berth/wire/bodies.hpp>

namespace berth::kernel::group {

void group_service::commit_offset(const protocol::request& req,
                                  const protocol::responder& answer) {
  auto body = wire::decode<wire::commit_offset_request>(req.body, req.header.code);
  if (!body) return answer.fail(body.error().status, body.error().message);
  if (auto bad = check_group_name(body->group)) return refuse(answer, *bad);
  auto found = existing_queue(topics_, body->topic, body->queue_id);
  if (const auto* why = std::get_if<refusal>(&found)) return refuse(answer, *why);
  const bool moved = offsets_.commit(body->group, body->topic, body->queue_id, body->offset);
  answer.ok();
  if (moved && settings_.traces != nullptr && settings_.traces->active()) {
    settings_.traces->commit_event(body->group, body->topic, body->queue_id, body->offset,
                                   *answer.connection());
  }
}

void group_service::query_offset(const protocol::request& req, const protocol::responder& answer) {
  auto body = wire::decode<wire::query_offset_request>(req.body, req.header.code);
  if (!body) return answer.fail(body.error().status, body.error().message);
  if (auto bad = check_group_name(body->group)) return refuse(answer, *bad);
  auto found = existing_queue(topics_, body->topic, body->queue_id);
  if (const auto* why = std::get_if<refusal>(&found)) return refuse(answer, *why);
  wire::query_offset_response out;
  if (const auto offset = offsets_.find(body->group, body->topic, body->queue_id)) {
    out.known = true;
    out.offset = *offset;
  }
  answer.ok(out);
}

}  // namespace berth::kernel::group
