// transport-grpc's configuration: where to listen, TLS, and the values this broker announces to
// RocketMQ 5 clients (limits, long polling, invisibility, FIFO groups). Read once at create().
#pragma once

#include <berth/plugin/host.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace berth::transport_grpc {

const char* grpc_schema();

struct grpc_config {
  std::string listen = "127.0.0.1:8081";
  // Endpoint named in routes; empty: the address the client dialled (from its request).
  std::string advertise;
  std::string certificate;  // PEM; with private_key: TLS instead of plaintext HTTP/2
  std::string private_key;
  unsigned threads = 2;     // the gateway's threads, which turn kernel answers into responses
  uint64_t max_body_size = 4 << 20;
  uint32_t max_receive_batch = 32;
  std::chrono::milliseconds long_polling_timeout{20'000};  // cap of a ReceiveMessage hold
  std::chrono::milliseconds default_invisible{60'000};    // push consumers send none
  uint32_t max_delivery_attempts = 17;                     // then the dead-letter topic
  std::vector<std::string> fifo_groups;  // consumer groups consumed in message-group order
  std::chrono::milliseconds client_idle_timeout{120'000};  // no call nor stream: forgotten

  [[nodiscard]] bool tls() const { return !certificate.empty(); }
  [[nodiscard]] bool is_fifo_group(std::string_view group) const;
};

// Throws plugin_error(BERTH_E_INVALID, ...) naming the key for a bad value.
grpc_config read_grpc_config(const sdk::host& host);

}  // namespace berth::transport_grpc
