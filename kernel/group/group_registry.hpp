// The live members of every consumer group: who sent a HEARTBEAT lately, on which connection,
// subscribed to what. A heartbeat carries the client's whole set of subscriptions; a member
// leaves when its connection closes or when it has not been heard from for the member timeout.
// Every change returns the (group, topic) pairs whose member list changed, so that the caller
// can tell the group's members to fetch their assignment again.
#pragma once

#include "protocol/connection.hpp"

#include <berth/wire/records.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berth::kernel::group {

using clock = std::chrono::steady_clock;

struct subscription {
  std::string topic;
  wire::consume_model model = wire::consume_model::clustering;
  wire::filter_type filter = wire::filter_type::tag;
  std::string expression;

  bool operator==(const subscription&) const = default;
};

struct group_topic {
  std::string group;
  std::string topic;

  auto operator<=>(const group_topic&) const = default;
};

class group_registry {
 public:
  // Record a heartbeat of `client_id` on `from`: its subscriptions, per group. Groups it is
  // no longer subscribed in lose it.
  std::set<group_topic> heartbeat(const protocol::connection_ptr& from, const std::string& client_id,
                                  std::map<std::string, std::vector<subscription>> by_group,
                                  clock::time_point now);
  // The connection closed: its members leave.
  std::set<group_topic> disconnected(const protocol::connection_ptr& gone);
  // Members not heard from since `now - timeout` leave.
  std::set<group_topic> expire(clock::time_point now, clock::duration timeout);

  // The sorted client ids of the group's members subscribed to `topic`.
  [[nodiscard]] std::vector<std::string> members(std::string_view group,
                                                 std::string_view topic) const;
  // The sorted client ids of all the group's members.
  [[nodiscard]] std::vector<std::string> members(std::string_view group) const;
  // The group's consume model, from its members (nullopt when it has none).
  [[nodiscard]] std::optional<wire::consume_model> model(std::string_view group) const;
  // The topics the group's members subscribe to.
  [[nodiscard]] std::set<std::string> topics(std::string_view group) const;
  // Groups with at least one member.
  [[nodiscard]] std::vector<std::string> groups() const;
  // The open connections of the group's members.
  [[nodiscard]] std::vector<protocol::connection_ptr> connections(std::string_view group) const;

 private:
  struct member {
    protocol::connection_ptr connection;
    std::vector<subscription> subscriptions;
    clock::time_point last_seen;
  };
  using member_map = std::map<std::string, member, std::less<>>;  // by client id

  // Remove the members `doomed` selects; the (group, topic) pairs they leave.
  template <class Doomed>
  std::set<group_topic> remove_if(Doomed doomed);

  mutable std::mutex mutex_;
  std::map<std::string, member_map, std::less<>> groups_;
};

}  // namespace berth::kernel::group
