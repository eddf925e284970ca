// How berthctl and berth-bench connect: the TLS options --tls, --ca, --cert, --key,
// --server-name, each also from an environment variable (BERTH_TLS, BERTH_TLS_CA, ...; naming
// a CA or a client certificate turns TLS on by itself), and the client options they make.
#pragma once

#include <berth/client/tls.hpp>

#include <CLI/App.hpp>

#include <chrono>
#include <string>

namespace berth::tools {

void add_tls_flags(CLI::App& app, client::tls_options& tls);

// After parsing: TLS is on when asked for or when a TLS file was given.
void settle_tls_flags(client::tls_options& tls);

// Any client's options (admin_options, producer_options, ...) with the connection set.
template <class Options>
[[nodiscard]] Options connection_options(const std::string& server,
                                         std::chrono::milliseconds timeout,
                                         const client::tls_options& tls) {
  Options o;
  o.endpoint = server;
  o.request_timeout = timeout;
  o.tls = tls;
  return o;
}

}  // namespace berth::tools
