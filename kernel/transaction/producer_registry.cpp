#include "transaction/producer_registry.hpp"

#include <algorithm>

namespace berth::kernel::transaction {

void producer_registry::add(const protocol::connection_ptr& from, const std::string& group) {
  std::lock_guard lock(mutex_);
  auto& list = groups_[group].connections;
  const bool known = std::any_of(list.begin(), list.end(),
                                 [&](const auto& weak) { return weak.lock() == from; });
  if (!known) list.push_back(from);
}

void producer_registry::forget(const protocol::connection_ptr& gone) {
  std::lock_guard lock(mutex_);
  for (auto it = groups_.begin(); it != groups_.end();) {
    std::erase_if(it->second.connections, [&](const auto& weak) {
      const auto live = weak.lock();
      return !live || live == gone;
    });
    it = it->second.connections.empty() ? groups_.erase(it) : std::next(it);
  }
}

protocol::connection_ptr producer_registry::pick(std::string_view group) {
  std::lock_guard lock(mutex_);
  const auto it = groups_.find(group);
  if (it == groups_.end()) return nullptr;
  members& m = it->second;
  for (size_t tried = 0; tried < m.connections.size(); ++tried) {
    const size_t at = m.next++ % m.connections.size();
    if (auto live = m.connections[at].lock(); live && live->is_open()) return live;
  }
  return nullptr;
}

size_t producer_registry::count(std::string_view group) const {
  std::lock_guard lock(mutex_);
  const auto it = groups_.find(group);
  if (it == groups_.end()) return 0;
  return static_cast<size_t>(std::count_if(
      it->second.connections.begin(), it->second.connections.end(), [](const auto& weak) {
        const auto live = weak.lock();
        return live && live->is_open();
      }));
}

}  // namespace berth::kernel::transaction
