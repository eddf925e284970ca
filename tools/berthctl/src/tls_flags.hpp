// The TLS options of berthctl and berth-bench: --tls, --ca, --cert, --key, --server-name,
// each also from an environment variable (BERTH_TLS, BERTH_TLS_CA, ...). Naming a CA or a
// client certificate turns TLS on by itself.
#pragma once

#include <berth/client/tls.hpp>

#include <CLI/App.hpp>

namespace berth::tools {

void add_tls_flags(CLI::App& app, client::tls_options& tls);

// After parsing: TLS is on when asked for or when a TLS file was given.
void settle_tls_flags(client::tls_options& tls);

}  // namespace berth::tools
