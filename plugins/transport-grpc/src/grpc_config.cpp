#include "grpc_config.hpp"

#include <berth/plugin/error.hpp>

#include <algorithm>

namespace berth::transport_grpc {

const char* grpc_schema() {
  return R"json({
  "keys": {
    "listen": {"type": "string", "default": "127.0.0.1:8081",
               "help": "address:port for RocketMQ 5 gRPC clients (port 0 picks one)"},
    "advertise": {"type": "string", "default": "",
                  "help": "host:port that routes send clients to; empty: the address each client dialled"},
    "certificate": {"type": "string", "default": "",
                    "help": "PEM file: serve TLS with this certificate chain (with private_key); empty: plaintext HTTP/2"},
    "private_key": {"type": "string", "default": "",
                    "help": "PEM file: the certificate's private key"},
    "threads": {"type": "int", "default": 2, "min": 1, "max": 64,
                "help": "threads that turn the broker's answers into gRPC responses (gRPC has its own for the network)"},
    "max_body_size": {"type": "size", "default": "4000KiB", "min": "1KiB", "max": "64MiB",
                      "help": "largest message body accepted and announced to producers (gRPC clients receive at most 4 MiB per message)"},
    "max_receive_batch": {"type": "int", "default": 32, "min": 1, "max": 32,
                          "help": "most messages one ReceiveMessage returns"},
    "long_polling_timeout": {"type": "duration", "default": "20s", "min": "1s", "max": "60s",
                             "help": "longest a ReceiveMessage waits for a message (also announced to push consumers)"},
    "default_invisible": {"type": "duration", "default": "60s", "min": "10s", "max": "12h",
                          "help": "how long a message received without an invisible duration (push consumers) stays hidden"},
    "max_delivery_attempts": {"type": "int", "default": 17, "min": 1, "max": 1000,
                              "help": "deliveries of a message before it goes to %DLQ%<group>"},
    "fifo_groups": {"type": "array", "items": "string", "default": [],
                    "help": "consumer groups that receive each message group's messages in order, one at a time (a trailing * matches a prefix)"},
    "client_idle_timeout": {"type": "duration", "default": "120s", "min": "1s",
                            "help": "a client with no call and no open Telemetry stream for this long is forgotten"}
  }
})json";
}

bool grpc_config::is_fifo_group(std::string_view group) const {
  return std::any_of(fifo_groups.begin(), fifo_groups.end(), [&](const std::string& pattern) {
    if (!pattern.empty() && pattern.back() == '*') {
      return group.starts_with(std::string_view(pattern).substr(0, pattern.size() - 1));
    }
    return group == pattern;
  });
}

grpc_config read_grpc_config(const sdk::host& host) {
  grpc_config c;
  c.listen = host.config_string("listen");
  if (c.listen.rfind(':') == std::string::npos) {
    throw sdk::plugin_error(BERTH_E_INVALID,
                            "listen: \"" + c.listen + "\" has no port (expected address:port)");
  }
  c.advertise = host.config_string("advertise");
  c.certificate = host.config_string("certificate");
  c.private_key = host.config_string("private_key");
  if (c.certificate.empty() != c.private_key.empty()) {
    throw sdk::plugin_error(BERTH_E_INVALID,
                            "certificate and private_key: give both for TLS, or neither");
  }
  c.threads = static_cast<unsigned>(host.config_int("threads"));
  c.max_body_size = host.config_size("max_body_size");
  c.max_receive_batch = static_cast<uint32_t>(host.config_int("max_receive_batch"));
  const auto ms = [&](const char* key) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(host.config_duration(key));
  };
  c.long_polling_timeout = ms("long_polling_timeout");
  c.default_invisible = ms("default_invisible");
  c.max_delivery_attempts = static_cast<uint32_t>(host.config_int("max_delivery_attempts"));
  c.fifo_groups = host.config_strings("fifo_groups");
  c.client_idle_timeout = ms("client_idle_timeout");
  return c;
}

}  // namespace berth::transport_grpc
