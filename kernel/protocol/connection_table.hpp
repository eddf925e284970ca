// The kernel's end of every transport's connections: opens and forgets them, and routes their
// frames. Refuses new connections once the broker is stopping.
#pragma once

#include "metrics/registry.hpp"
#include "plugin_host/connection_sink.hpp"
#include "protocol/connection.hpp"
#include "protocol/router.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <vector>

namespace berth::kernel::protocol {

class connection_table final : public plugin_host::connection_sink {
 public:
  connection_table(const router& routes, metrics::registry& metrics);

  berth_status open(std::string_view transport_id, const berth_conn_info& info,
                    const berth_conn_ops& ops, void* conn_arg, berth_conn** out,
                    std::string& reason) noexcept override;
  void frame(berth_conn* conn, std::span<const uint8_t> bytes) noexcept override;
  void closed(berth_conn* conn) noexcept override;
  berth_status authenticate(berth_conn* conn, const berth_credentials& credentials,
                            std::string& reason) noexcept override;

  // What authenticates a connection for its transport (auth_gate::authenticate_connection);
  // without one every connection is accepted as it is. At setup.
  using authenticator = std::function<berth_status(const connection_ptr&, const berth_credentials&,
                                                   std::string&)>;
  void set_authenticator(authenticator a) { authenticator_ = std::move(a); }

  // Called once per connection after the transport reported it gone (on the transport's
  // thread; must not block). Register at setup, before any transport starts.
  using close_listener = std::function<void(const connection_ptr&)>;
  void add_close_listener(close_listener listener);

  // From now on open() refuses with BERTH_E_CLOSED.
  void stop_accepting() noexcept;
  [[nodiscard]] size_t size() const;

 private:
  const router& routes_;
  metrics::registry& metrics_;
  std::uint32_t open_gauge_ = 0;
  std::uint32_t opened_total_ = 0;
  mutable std::mutex mutex_;
  std::set<berth_conn*> open_;
  std::atomic<bool> accepting_{true};
  std::vector<close_listener> close_listeners_;
  authenticator authenticator_;
};

}  // namespace berth::kernel::protocol
