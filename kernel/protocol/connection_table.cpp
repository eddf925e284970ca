#include "protocol/connection_table.hpp"

#include "log/logger.hpp"

#include <memory>

namespace berth::kernel::protocol {

namespace {

log::logger_ptr logger() { return log::module("protocol"); }

}  // namespace

connection_table::connection_table(const router& routes, metrics::registry& metrics)
    : routes_(routes), metrics_(metrics) {
  open_gauge_ = metrics_.add(metrics::metric_type::gauge, "berth_connections",
                             "client connections open, over all transports", {})
                    .value();
  opened_total_ = metrics_.add(metrics::metric_type::counter, "berth_connections_opened_total",
                               "client connections opened, over all transports", {})
                      .value();
}

berth_status connection_table::open(std::string_view transport_id, const berth_conn_info& info,
                                    const berth_conn_ops& ops, void* conn_arg, berth_conn** out,
                                    std::string& reason) noexcept {
  try {
    if (!accepting_.load()) {
      reason = "the broker is stopping";
      return BERTH_E_CLOSED;
    }
    auto handle = std::make_unique<berth_conn>();
    handle->connection =
        std::make_shared<connection>(ops, conn_arg, info, std::string(transport_id));
    std::lock_guard lock(mutex_);
    open_.insert(handle.get());
    metrics_.set(open_gauge_, static_cast<int64_t>(open_.size()));
    metrics_.add(opened_total_, 1);
    logger()->debug("{}: connection from {} opened", transport_id, handle->connection->peer());
    *out = handle.release();
    return BERTH_OK;
  } catch (const std::exception& e) {
    reason = e.what();
    return BERTH_E_NOMEM;
  }
}

void connection_table::frame(berth_conn* conn, std::span<const uint8_t> bytes) noexcept {
  routes_.route(conn->connection, bytes);
}

berth_status connection_table::authenticate(berth_conn* conn, const berth_credentials& credentials,
                                            std::string& reason) noexcept {
  if (!authenticator_) return BERTH_OK;
  try {
    return authenticator_(conn->connection, credentials, reason);
  } catch (const std::exception& e) {
    reason = e.what();
    return BERTH_E_INTERNAL;
  }
}

void connection_table::add_close_listener(close_listener listener) {
  close_listeners_.push_back(std::move(listener));
}

void connection_table::closed(berth_conn* conn) noexcept {
  conn->connection->mark_closed();
  for (const close_listener& listener : close_listeners_) {
    try {
      listener(conn->connection);
    } catch (const std::exception& e) {
      logger()->error("a close listener failed: {}", e.what());
    }
  }
  {
    std::lock_guard lock(mutex_);
    open_.erase(conn);
    metrics_.set(open_gauge_, static_cast<int64_t>(open_.size()));
  }
  delete conn;  // work still holding the connection finds it closed
}

void connection_table::stop_accepting() noexcept { accepting_.store(false); }

size_t connection_table::size() const {
  std::lock_guard lock(mutex_);
  return open_.size();
}

}  // namespace berth::kernel::protocol
