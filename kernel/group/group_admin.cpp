// GROUP_LIST, GROUP_DESCRIBE and GROUP_RESET: the administrator's view of consumer groups.
#include "group/group_service.hpp"

#include "protocol/store_status.hpp"

#include <berth/wire/bodies.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace berth::kernel::group {
namespace {

// How far the group is behind on a queue: from its committed offset, or (none committed) from
// the oldest message kept.
uint64_t lag_of(uint64_t committed, const store::queue_bounds& b) {
  if (committed == wire::no_offset) return b.max_offset - b.min_offset;
  return committed >= b.max_offset ? 0 : b.max_offset - std::max(committed, b.min_offset);
}

refusal no_group(std::string_view group) {
  return {wire::status::no_group,
          fmt::format("group '{}' does not exist (no live consumer and no committed offset)",
                      group)};
}

}  // namespace

bool group_service::exists(std::string_view group) const {
  return offsets_.has_group(group) || !registry_.members(group).empty();
}

result<store::queue_bounds> group_service::bounds(std::string_view topic, uint32_t queue) const {
  if (store_ == nullptr) return store::queue_bounds{};
  return store_->bounds_or_empty(topic, queue);
}

std::vector<std::string> group_service::group_names() const {
  std::vector<std::string> names = offsets_.groups();
  for (std::string& live : registry_.groups()) names.push_back(std::move(live));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

result<std::optional<group_view>> group_service::describe(std::string_view group) const {
  if (!exists(group)) return std::optional<group_view>();
  const offset::queue_offsets committed = offsets_.of_group(group);
  std::set<std::string> topic_names = registry_.topics(group);
  for (const auto& entry : committed) topic_names.insert(entry.first.first);

  group_view out;
  out.model = registry_.model(group).value_or(wire::consume_model::clustering);
  out.members = registry_.members(group);
  for (const std::string& topic : topic_names) {
    const auto settings = topics_.find(topic);
    if (!settings) continue;  // deleted since
    for (uint32_t q = 0; q < settings->queues; ++q) {
      BERTH_TRY(b, bounds(topic, q));
      const auto slot = committed.find(std::pair<std::string, uint32_t>(topic, q));
      queue_lag gq;
      gq.topic = topic;
      gq.queue_id = q;
      gq.committed = slot == committed.end() ? wire::no_offset : slot->second;
      gq.max_offset = b.max_offset;
      gq.lag = lag_of(gq.committed, b);
      out.queues.push_back(std::move(gq));
    }
  }
  return std::optional<group_view>(std::move(out));
}

void group_service::group_list(const protocol::request&, const protocol::responder& answer) {
  const std::vector<std::string> names = group_names();
  wire::name_list out;
  out.names.assign(names.begin(), names.end());
  answer.ok(out);
}

void group_service::group_describe(const protocol::request& req,
                                   const protocol::responder& answer) {
  auto body = wire::decode<wire::group_describe_request>(req.body, req.header.code);
  if (!body) return answer.fail(body.error().status, body.error().message);
  auto view = describe(body->group);
  if (!view) return answer.fail(wire::status::store_failed, view.error().message);
  if (!view.value()) return refuse(answer, no_group(body->group));
  const group_view& group = *view.value();

  wire::group_describe_response out;
  out.model = group.model;
  out.members.assign(group.members.begin(), group.members.end());
  for (const queue_lag& q : group.queues) {
    out.queues.push_back(wire::group_queue{q.topic, q.queue_id, q.committed, q.max_offset, q.lag});
  }
  answer.ok(out);
}

void group_service::group_reset(const protocol::request& req, const protocol::responder& answer) {
  auto body = wire::decode<wire::group_reset_request>(req.body, req.header.code);
  if (!body) return answer.fail(body.error().status, body.error().message);
  if (auto bad = check_group_name(body->group)) return refuse(answer, *bad);
  if (!exists(body->group)) return refuse(answer, no_group(body->group));
  auto found = existing_topic(topics_, body->topic);
  if (const auto* why = std::get_if<refusal>(&found)) return refuse(answer, *why);
  if (body->to != wire::reset_to::time && body->to != wire::reset_to::earliest &&
      body->to != wire::reset_to::latest) {
    return answer.fail(wire::status::invalid_argument,
                       fmt::format("to: {} is not 0 (time), 1 (earliest) or 2 (latest)",
                                   static_cast<unsigned>(body->to)));
  }
  const uint32_t queues = std::get<topic::topic_settings>(found).queues;
  // Work out every queue's new offset first: a store error leaves the group as it was.
  std::vector<uint64_t> targets;
  wire::group_reset_response out;
  for (uint32_t q = 0; q < queues; ++q) {
    auto b = bounds(body->topic, q);
    if (!b) return answer.fail(wire::status::store_failed, b.error().message);
    uint64_t target = body->to == wire::reset_to::earliest ? b.value().min_offset
                                                           : b.value().max_offset;
    if (body->to == wire::reset_to::time && b.value().max_offset > 0 && store_ != nullptr) {
      auto at = store_->offset_by_time(body->topic, q, body->time_ms);
      if (!at) {
        return answer.fail(protocol::status_of_store_error(at.error().code), at.error().message);
      }
      target = at.value();
    }
    targets.push_back(target);
    wire::group_queue gq;
    gq.topic = body->topic;
    gq.queue_id = q;
    gq.committed = target;
    gq.max_offset = b.value().max_offset;
    gq.lag = lag_of(target, b.value());
    out.queues.push_back(gq);
  }
  for (uint32_t q = 0; q < queues; ++q) offsets_.commit(body->group, body->topic, q, targets[q]);
  answer.ok(out);
  tell_members({{std::string(body->group), std::string(body->topic)}},
               wire::code::offsets_reset);
}

}  // namespace berth::kernel::group
