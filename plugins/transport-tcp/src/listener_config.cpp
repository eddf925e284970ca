#include "listener_config.hpp"

#include <boost/asio/ip/address.hpp>

#include <charconv>
#include <string>

namespace berth::transport_tcp {

const char* const listener_schema_keys = R"json(
    "threads": {"type": "int", "default": 2, "min": 1, "max": 64,
                "help": "network threads of this transport"},
    "max_connections": {"type": "int", "default": 1024, "min": 1, "max": 1000000,
                        "help": "connections beyond this are closed at once, with a log line"},
    "max_frame_size": {"type": "size", "default": "16MiB", "min": "64KiB", "max": "1GiB",
                       "help": "largest frame accepted; a bigger one is answered FRAME_TOO_LARGE and its connection closed"},
    "max_pending_bytes": {"type": "size", "default": "16MiB", "min": "64KiB",
                          "help": "per connection: while more than this is waiting to be sent, nothing more is read from it"},
    "idle_timeout": {"type": "duration", "default": "120s", "min": "1s",
                     "help": "a connection that sends nothing for this long is closed"},
    "request_timeout": {"type": "duration", "default": "30s", "min": "100ms",
                        "help": "a frame whose first bytes arrived must be whole within this, else its connection is closed"})json";

std::string listener_schema(std::string_view own_keys) {
  return std::string("{\n  \"keys\": {") + std::string(own_keys) + "," + listener_schema_keys +
         "\n  }\n}";
}

const char* tcp_schema() {
  static const std::string schema = listener_schema(R"json(
    "listen": {"type": "string", "default": "127.0.0.1:10911",
               "help": "address:port to listen on (IPv6 in brackets: \"[::1]:10911\"; port 0 picks one)"})json");
  return schema.c_str();
}

namespace {

[[noreturn]] void bad_listen(const std::string& text, const std::string& why) {
  throw sdk::plugin_error(BERTH_E_INVALID, "listen: \"" + text + "\" " + why +
                                               " (expected address:port, e.g. \"127.0.0.1:10911\")");
}

}  // namespace

listener_config read_listener_config(const sdk::host& host) {
  listener_config c;
  const std::string listen = host.config_string("listen");
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) bad_listen(listen, "has no port");
  std::string address = listen.substr(0, colon);
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
  }
  boost::system::error_code ec;
  (void)boost::asio::ip::make_address(address, ec);
  if (ec) bad_listen(listen, "is not an IP address");
  const std::string port = listen.substr(colon + 1);
  unsigned value = 0;
  const auto [end, err] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (err != std::errc{} || end != port.data() + port.size() || value > 65535) {
    bad_listen(listen, "has a port that is not a number from 0 to 65535");
  }
  c.listen_text = listen;
  c.listen_host = address;
  c.listen_port = static_cast<uint16_t>(value);
  c.threads = static_cast<unsigned>(host.config_int("threads"));
  c.max_connections = static_cast<uint64_t>(host.config_int("max_connections"));
  c.max_frame_size = host.config_size("max_frame_size");
  c.max_pending_bytes = host.config_size("max_pending_bytes");
  c.idle_timeout = host.config_duration("idle_timeout");
  c.request_timeout = host.config_duration("request_timeout");
  return c;
}

}  // namespace berth::transport_tcp
