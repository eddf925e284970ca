// Consumer groups over the native protocol: who is in a group (HEARTBEAT), which queues each
// member owns (QUERY_ASSIGNMENT), what the group has consumed (COMMIT_OFFSET, QUERY_OFFSET) and
// the administrator's view (GROUP_LIST, GROUP_DESCRIBE, GROUP_RESET). When a group's members
// change, every member is told with a GROUP_CHANGED push and fetches its assignment again;
// after a reset, an OFFSETS_RESET push makes them continue from the new offsets. Ordered
// consumers hold the queues they process (LOCK_QUEUES, UNLOCK_QUEUES; queue_locks.hpp).
//
// A group exists while it has live members or committed offsets. Consumers create it by
// using it (a heartbeat, a commit, a pull): RocketMQ's default of auto-created subscription
// groups. Administration of a group that does not exist is NO_GROUP.
#pragma once

#include "filter/filter_registry.hpp"
#include "group/group_registry.hpp"
#include "group/queue_locks.hpp"
#include "group/request_checks.hpp"
#include "offset/offset_table.hpp"
#include "protocol/router.hpp"
#include "store/store.hpp"
#include "topic/topic_table.hpp"
#include "trace/trace_hub.hpp"

#include <chrono>
#include <set>

namespace berth::kernel::group {

// One queue of a group's topic, as the administrator sees it.
struct queue_lag {
  std::string topic;
  uint32_t queue_id = 0;
  uint64_t committed = wire::no_offset;  // no_offset: never committed
  uint64_t max_offset = 0;
  uint64_t lag = 0;  // from the committed offset, or (none) from the oldest message kept
};

// A group as GROUP_DESCRIBE and the admin API show it.
struct group_view {
  wire::consume_model model = wire::consume_model::clustering;
  std::vector<std::string> members;  // client ids
  std::vector<queue_lag> queues;     // every queue of every topic it subscribes or committed
};

struct group_settings {
  // A member not heard from for this long leaves (a closed connection leaves at once).
  clock::duration member_timeout = std::chrono::seconds(30);
  // Told of every committed offset that changed (COMMIT); may be null.
  const trace::trace_hub* traces = nullptr;
};

class group_service {
 public:
  // Each argument outlives the service. `store` may be null: every queue is then 0/0.
  // A HEARTBEAT's subscription expressions are compiled through `filters`, so that a bad one
  // is refused when the member subscribes.
  group_service(topic::topic_table& topics, store::store* store, offset::offset_table& offsets,
                filter::filter_registry& filters, group_settings settings);
  group_service(const group_service&) = delete;
  group_service& operator=(const group_service&) = delete;

  void add_handlers(protocol::router& routes);

  // The connection's members leave.
  void disconnected(const protocol::connection_ptr& gone);
  // Members silent for longer than the member timeout leave.
  void expire_members(clock::time_point now);

  [[nodiscard]] const group_registry& registry() const { return registry_; }

  // The administrator's queries (group_admin.cpp), from any thread.
  // Groups with live members or committed offsets, sorted.
  [[nodiscard]] std::vector<std::string> group_names() const;
  // Nullopt: no such group. An error: the store could not say a queue's bounds.
  [[nodiscard]] result<std::optional<group_view>> describe(std::string_view group) const;

 private:
  // group_service.cpp: membership.
  void heartbeat(const protocol::request& req, const protocol::responder& answer);
  void query_assignment(const protocol::request& req, const protocol::responder& answer);
  // Push `code` (GROUP_CHANGED or OFFSETS_RESET) with each (group, topic) to the group's members.
  void tell_members(const std::set<group_topic>& changed, wire::code code) const;

  // offset_handlers.cpp
  void commit_offset(const protocol::request& req, const protocol::responder& answer);
  void query_offset(const protocol::request& req, const protocol::responder& answer);

  // lock_handlers.cpp
  void lock_queues(const protocol::request& req, const protocol::responder& answer);
  void unlock_queues(const protocol::request& req, const protocol::responder& answer);

  // group_admin.cpp
  void group_list(const protocol::request& req, const protocol::responder& answer);
  void group_describe(const protocol::request& req, const protocol::responder& answer);
  void group_reset(const protocol::request& req, const protocol::responder& answer);
  [[nodiscard]] bool exists(std::string_view group) const;
  // The queue's bounds (0/0 without a store or when it never had a message).
  [[nodiscard]] result<store::queue_bounds> bounds(std::string_view topic, uint32_t queue) const;

  topic::topic_table& topics_;
  store::store* store_;
  offset::offset_table& offsets_;
  filter::filter_registry& filters_;
  group_settings settings_;
  group_registry registry_;
  queue_locks locks_;
};

// Answer `answer` with the refusal; for std::visit-free use at the top of handlers.
void refuse(const protocol::responder& answer, const refusal& why);

}  // namespace berth::kernel::group
