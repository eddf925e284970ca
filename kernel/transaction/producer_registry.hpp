// Which connections speak for which producer group (PRODUCER_REGISTER): where check-backs of
// the group's transactions go. A connection is forgotten when it closes. Thread-safe.
#pragma once

#include "protocol/connection.hpp"

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace berth::kernel::transaction {

class producer_registry {
 public:
  // `from` produces for `group` (again: no duplicate). A connection may join several groups.
  void add(const protocol::connection_ptr& from, const std::string& group);
  // The connection closed: it leaves every group.
  void forget(const protocol::connection_ptr& gone);
  // The next live connection of `group`, round robin; null when none is connected.
  [[nodiscard]] protocol::connection_ptr pick(std::string_view group);
  // Live connections of `group` (for tests and administration).
  [[nodiscard]] size_t count(std::string_view group) const;

 private:
  struct members {
    std::vector<std::weak_ptr<protocol::connection>> connections;
    size_t next = 0;  // round robin
  };

  mutable std::mutex mutex_;
  std::map<std::string, members, std::less<>> groups_;
};

}  // namespace berth::kernel::transaction
