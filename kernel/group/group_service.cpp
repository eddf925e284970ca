#include "group/group_service.hpp"

#include "group/assignment.hpp"
#include "log/logger.hpp"
#include "topic/system_topics.hpp"
#include "topic/topic_rules.hpp"

#include <berth/wire/bodies.hpp>

#include <fmt/format.h>

namespace berth::kernel::group {
namespace {

log::logger_ptr logger() { return log::module("group"); }

std::string model_name(wire::consume_model m) {
  return m == wire::consume_model::broadcasting ? "broadcasting" : "clustering";
}

}  // namespace

void refuse(const protocol::responder& answer, const refusal& why) {
  answer.fail(why.status, why.message);
}

group_service::group_service(topic::topic_table& topics, store::store* store,
                             offset::offset_table& offsets, filter::filter_registry& filters,
                             group_settings settings)
    : topics_(topics), store_(store), offsets_(offsets), filters_(filters), settings_(settings) {}

void group_service::add_handlers(protocol::router& routes) {
  const auto bind = [this](auto method) {
    return [this, method](const protocol::request& req, const protocol::responder& answer) {
      (this->*method)(req, answer);
    };
  };
  routes.add(wire::code::heartbeat, bind(&group_service::heartbeat));
  routes.add(wire::code::query_assignment, bind(&group_service::query_assignment));
  routes.add(wire::code::commit_offset, bind(&group_service::commit_offset));
  routes.add(wire::code::query_offset, bind(&group_service::query_offset));
  routes.add(wire::code::group_list, bind(&group_service::group_list));
  routes.add(wire::code::group_describe, bind(&group_service::group_describe));
  routes.add(wire::code::group_reset, bind(&group_service::group_reset));
  routes.add(wire::code::lock_queues, bind(&group_service::lock_queues));
  routes.add(wire::code::unlock_queues, bind(&group_service::unlock_queues));
}

void group_service::heartbeat(const protocol::request& req, const protocol::responder& answer) {
  auto body = wire::decode<wire::heartbeat_request>(req.body, req.header.code);
  if (!body) return answer.fail(body.error().status, body.error().message);
  if (body->client_id.empty()) {
    return answer.fail(wire::status::invalid_argument, "client_id: empty");
  }
  std::map<std::string, std::vector<subscription>> by_group;
  for (const wire::subscription& s : body->subscriptions) {
    if (auto bad = check_group_name(s.group)) return refuse(answer, *bad);
    // A topic that does not exist (yet) is kept: QUERY_ASSIGNMENT answers NO_TOPIC for it,
    // and the member's other topics are served meanwhile.
    if (const std::string problem = topic::name_problem(s.topic); !problem.empty()) {
      return answer.fail(wire::status::invalid_argument, problem);
    }
    if (s.model != wire::consume_model::clustering && s.model != wire::consume_model::broadcasting) {
      return answer.fail(wire::status::invalid_argument,
                         fmt::format("model: {} is neither 0 (clustering) nor 1 (broadcasting)",
                                     static_cast<unsigned>(s.model)));
    }
    auto compiled = filters_.compile(s.group, s.filter_type, s.expression);
    if (const auto* refused = std::get_if<filter::refusal>(&compiled)) {
      return answer.fail(refused->status,
                         fmt::format("group '{}', topic '{}': {}", s.group, s.topic, refused->message));
    }
    const auto current = registry_.model(s.group);
    const auto members = registry_.members(s.group);
    const bool only_me = members.size() == 1 && members.front() == body->client_id;
    if (current && *current != s.model && !only_me && !members.empty()) {
      return answer.fail(wire::status::invalid_argument,
                         fmt::format("group '{}' consumes in the {} model; this client asked for {}",
                                     s.group, model_name(*current), model_name(s.model)));
    }
    by_group[std::string(s.group)].push_back(
        {std::string(s.topic), s.model, s.filter_type, std::string(s.expression)});
  }
  // A member subscribing to its group's retry topic gets it made now (RocketMQ does the
  // same), so that it is assigned before the first message fails.
  for (const wire::subscription& s : body->subscriptions) {
    if (s.topic != topic::retry_topic_of(s.group)) continue;
    if (auto made = topics_.ensure(s.topic, {1, wire::default_perm}); !made) {
      logger()->warn("group '{}': cannot create its retry topic: {}", s.group,
                     made.error().message);
    }
  }
  const auto changed =
      registry_.heartbeat(answer.connection(), std::string(body->client_id), std::move(by_group),
                          clock::now());
  answer.ok();
  if (!changed.empty()) {
    for (const group_topic& gt : changed) {
      logger()->info("group '{}', topic '{}': members now {}", gt.group, gt.topic,
                     fmt::join(registry_.members(gt.group, gt.topic), ", "));
    }
    tell_members(changed, wire::code::group_changed);
  }
}

void group_service::query_assignment(const protocol::request& req,
                                     const protocol::responder& answer) {
  auto body = wire::decode<wire::query_assignment_request>(req.body, req.header.code);
  if (!body) return answer.fail(body.error().status, body.error().message);
  if (auto bad = check_group_name(body->group)) return refuse(answer, *bad);
  auto found = existing_topic(topics_, body->topic);
  if (const auto* why = std::get_if<refusal>(&found)) return refuse(answer, *why);
  const uint32_t queues = std::get<topic::topic_settings>(found).queues;
  const std::vector<std::string> members = registry_.members(body->group, body->topic);
  if (members.empty()) {
    return answer.fail(wire::status::no_group,
                       fmt::format("group '{}' has no live consumer of topic '{}': send a "
                                   "HEARTBEAT with the subscription first",
                                   body->group, body->topic));
  }
  wire::query_assignment_response out;
  if (registry_.model(body->group) == wire::consume_model::broadcasting) {
    for (uint32_t q = 0; q < queues; ++q) out.queue_ids.push_back(q);
  } else {
    out.queue_ids = allocate_average(members, queues, body->client_id);
  }
  answer.ok(out);
}

void group_service::disconnected(const protocol::connection_ptr& gone) {
  locks_.disconnected(gone);
  const auto changed = registry_.disconnected(gone);
  if (changed.empty()) return;
  for (const group_topic& gt : changed) {
    logger()->info("group '{}', topic '{}': a consumer at {} disconnected", gt.group, gt.topic,
                   gone->peer());
  }
  tell_members(changed, wire::code::group_changed);
}

void group_service::expire_members(clock::time_point now) {
  const auto changed = registry_.expire(now, settings_.member_timeout);
  if (changed.empty()) return;
  for (const group_topic& gt : changed) {
    logger()->warn("group '{}', topic '{}': a consumer sent no heartbeat for {} s and left",
                   gt.group, gt.topic,
                   std::chrono::duration_cast<std::chrono::seconds>(settings_.member_timeout).count());
  }
  tell_members(changed, wire::code::group_changed);
}

void group_service::tell_members(const std::set<group_topic>& changed, wire::code code) const {
  for (const group_topic& gt : changed) {
    const auto frame = protocol::push_frame(code, wire::group_changed_push{gt.group, gt.topic});
    for (const protocol::connection_ptr& member : registry_.connections(gt.group)) {
      member->send(frame);
    }
  }
}

}  // namespace berth::kernel::group
