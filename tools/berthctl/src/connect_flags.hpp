// How berthctl and berth-bench connect: the TLS options --tls, --ca, --cert, --key,
// --server-name (naming a CA or a client certificate turns TLS on by itself), the account's
// --access-key and --secret-key, each also from an environment variable (BERTH_TLS,
// BERTH_TLS_CA, ..., BERTH_ACCESS_KEY, BERTH_SECRET_KEY), and the client options they make.
#pragma once

#include <berth/client/credentials.hpp>
#include <berth/client/tls.hpp>

#include <CLI/App.hpp>

#include <chrono>
#include <string>

namespace berth::tools {

void add_tls_flags(CLI::App& app, client::tls_options& tls);
// The secret is best given by BERTH_SECRET_KEY: a command line is visible to other users.
void add_credential_flags(CLI::App& app, client::credentials& credentials);

// After parsing: TLS is on when asked for or when a TLS file was given.
void settle_tls_flags(client::tls_options& tls);

// Any client's options (admin_options, producer_options, ...) with the connection set.
template <class Options>
[[nodiscard]] Options connection_options(const std::string& server,
                                         std::chrono::milliseconds timeout,
                                         const client::tls_options& tls,
                                         const client::credentials& credentials) {
  Options o;
  o.endpoint = server;
  o.request_timeout = timeout;
  o.tls = tls;
  o.credentials = credentials;
  return o;
}

}  // namespace berth::tools
