#include "protocol/client_directory.hpp"

namespace berth::kernel::protocol {

void client_directory::announce(const connection_ptr& from, const std::string& client_id) {
  if (client_id.empty()) return;
  from->set_client_id(client_id);
  std::lock_guard lock(mutex_);
  clients_[client_id] = from;
}

connection_ptr client_directory::find(std::string_view client_id) const {
  std::lock_guard lock(mutex_);
  const auto it = clients_.find(client_id);
  if (it == clients_.end()) return nullptr;
  connection_ptr found = it->second.lock();
  return found && found->is_open() ? found : nullptr;
}

void client_directory::forget(const connection_ptr& gone) {
  const std::string id = gone->client_id();
  if (id.empty()) return;
  std::lock_guard lock(mutex_);
  const auto it = clients_.find(id);
  if (it != clients_.end() && it->second.lock() == gone) clients_.erase(it);
}

}  // namespace berth::kernel::protocol
