// Which connection speaks for which client id (announced in HELLO): where a reply to a
// client's request goes. A client id names at most one connection, the latest to announce it.
#pragma once

#include "protocol/connection.hpp"

#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace berth::kernel::protocol {

class client_directory {
 public:
  void announce(const connection_ptr& from, const std::string& client_id);
  // The client's open connection, or null.
  [[nodiscard]] connection_ptr find(std::string_view client_id) const;
  // The connection is gone: forget it (not a newer connection of the same client).
  void forget(const connection_ptr& gone);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::weak_ptr<connection>, std::less<>> clients_;
};

}  // namespace berth::kernel::protocol
