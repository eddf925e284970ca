// transport-tcp: the native protocol over plain TCP, one listener whose connections are plain
// streams.
#pragma once

#include "listener.hpp"
#include "listener_config.hpp"

#include <berth/plugin/transport.hpp>

#include <chrono>
#include <string>

namespace berth::transport_tcp {

class tcp_transport final : public sdk::transport_plugin {
 public:
  explicit tcp_transport(sdk::host& host);

  void start() override { listener_.start(); }
  void stop(std::chrono::nanoseconds deadline) override { listener_.stop(deadline); }
  [[nodiscard]] std::string endpoint() const override { return listener_.endpoint(); }

 private:
  const listener_config config_;
  listener listener_;
};

}  // namespace berth::transport_tcp
