// libberth-transport-tcp.so: the native protocol over TCP.
#include "listener_config.hpp"
#include "tcp_transport.hpp"

BERTH_DEFINE_TRANSPORT_PLUGIN(berth::transport_tcp::tcp_transport, "tcp", "0.1.0",
                              "the native protocol over TCP (docs/protocol.md)",
                              berth::transport_tcp::tcp_schema())
