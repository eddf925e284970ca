// libberth-transport-tls.so: the native protocol over TLS.
#include "tls_config.hpp"
#include "tls_transport.hpp"

BERTH_DEFINE_TRANSPORT_PLUGIN(berth::transport_tls::tls_transport, "tls", "0.1.0",
                              "the native protocol over TLS 1.2/1.3, optionally mutual",
                              berth::transport_tls::tls_schema())
