#include "group/group_registry.hpp"

#include <algorithm>

namespace berth::kernel::group {
namespace {

std::set<std::string> topics_of(const std::vector<subscription>& subscriptions) {
  std::set<std::string> out;
  for (const subscription& s : subscriptions) out.insert(s.topic);
  return out;
}

void add_topics(std::set<group_topic>& out, const std::string& group,
                const std::set<std::string>& topics) {
  for (const std::string& t : topics) out.insert({group, t});
}

}  // namespace

std::set<group_topic> group_registry::heartbeat(
    const protocol::connection_ptr& from, const std::string& client_id,
    std::map<std::string, std::vector<subscription>> by_group, clock::time_point now) {
  std::set<group_topic> changed;
  std::lock_guard lock(mutex_);
  for (auto& [group, subscriptions] : by_group) {
    member_map& members = groups_[group];
    const std::set<std::string> now_topics = topics_of(subscriptions);
    auto [it, joined] = members.try_emplace(client_id);
    member& m = it->second;
    if (joined) {
      add_topics(changed, group, now_topics);
    } else if (const std::set<std::string> before = topics_of(m.subscriptions);
               before != now_topics) {
      std::set<std::string> moved;
      std::set_symmetric_difference(before.begin(), before.end(), now_topics.begin(),
                                    now_topics.end(), std::inserter(moved, moved.end()));
      add_topics(changed, group, moved);
    }
    m.connection = from;
    m.subscriptions = std::move(subscriptions);
    m.last_seen = now;
  }
  // Groups the client left.
  for (auto g = groups_.begin(); g != groups_.end();) {
    const auto mine = g->second.find(client_id);
    if (mine != g->second.end() && !by_group.contains(g->first)) {
      add_topics(changed, g->first, topics_of(mine->second.subscriptions));
      g->second.erase(mine);
    }
    g = g->second.empty() ? groups_.erase(g) : std::next(g);
  }
  return changed;
}

template <class Doomed>
std::set<group_topic> group_registry::remove_if(Doomed doomed) {
  std::set<group_topic> changed;
  for (auto g = groups_.begin(); g != groups_.end();) {
    for (auto m = g->second.begin(); m != g->second.end();) {
      if (doomed(m->second)) {
        add_topics(changed, g->first, topics_of(m->second.subscriptions));
        m = g->second.erase(m);
      } else {
        ++m;
      }
    }
    g = g->second.empty() ? groups_.erase(g) : std::next(g);
  }
  return changed;
}

std::set<group_topic> group_registry::disconnected(const protocol::connection_ptr& gone) {
  std::lock_guard lock(mutex_);
  return remove_if([&](const member& m) { return m.connection == gone; });
}

std::set<group_topic> group_registry::expire(clock::time_point now, clock::duration timeout) {
  std::lock_guard lock(mutex_);
  return remove_if([&](const member& m) { return now - m.last_seen > timeout; });
}

std::vector<std::string> group_registry::members(std::string_view group,
                                                 std::string_view topic) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  const auto g = groups_.find(group);
  if (g == groups_.end()) return out;
  for (const auto& [client_id, m] : g->second) {  // a std::map: already sorted
    const bool subscribed = std::any_of(m.subscriptions.begin(), m.subscriptions.end(),
                                        [&](const subscription& s) { return s.topic == topic; });
    if (subscribed) out.push_back(client_id);
  }
  return out;
}

std::vector<std::string> group_registry::members(std::string_view group) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  if (const auto g = groups_.find(group); g != groups_.end()) {
    for (const auto& entry : g->second) out.push_back(entry.first);
  }
  return out;
}

std::optional<wire::consume_model> group_registry::model(std::string_view group) const {
  std::lock_guard lock(mutex_);
  const auto g = groups_.find(group);
  if (g == groups_.end()) return std::nullopt;
  for (const auto& entry : g->second) {
    if (!entry.second.subscriptions.empty()) return entry.second.subscriptions.front().model;
  }
  return std::nullopt;
}

std::set<std::string> group_registry::topics(std::string_view group) const {
  std::lock_guard lock(mutex_);
  std::set<std::string> out;
  if (const auto g = groups_.find(group); g != groups_.end()) {
    for (const auto& entry : g->second) out.merge(topics_of(entry.second.subscriptions));
  }
  return out;
}

std::vector<std::string> group_registry::groups() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& entry : groups_) out.push_back(entry.first);
  return out;
}

std::vector<protocol::connection_ptr> group_registry::connections(std::string_view group) const {
  std::lock_guard lock(mutex_);
  std::vector<protocol::connection_ptr> out;
  if (const auto g = groups_.find(group); g != groups_.end()) {
    for (const auto& entry : g->second) {
      if (entry.second.connection && entry.second.connection->is_open()) {
        out.push_back(entry.second.connection);
      }
    }
  }
  return out;
}

}  // namespace berth::kernel::group
