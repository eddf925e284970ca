#include "connect_flags.hpp"

#include <CLI/CLI.hpp>

namespace berth::tools {

void add_tls_flags(CLI::App& app, client::tls_options& tls) {
  const std::string group = "TLS (to a transport-tls listener; docs/tls.md)";
  app.add_flag("--tls", tls.enabled, "Connect with TLS, verifying the broker's certificate")
      ->envname("BERTH_TLS")
      ->group(group);
  app.add_option("--ca", tls.ca_file,
                 "PEM file of the CAs to trust (default: the system's); implies --tls")
      ->envname("BERTH_TLS_CA")
      ->type_name("FILE")
      ->group(group);
  app.add_option("--cert", tls.cert_file,
                 "PEM file of this client's certificate, for brokers that require one (with --key)")
      ->envname("BERTH_TLS_CERT")
      ->type_name("FILE")
      ->group(group);
  app.add_option("--key", tls.key_file, "PEM file of the client certificate's private key")
      ->envname("BERTH_TLS_KEY")
      ->type_name("FILE")
      ->group(group);
  app.add_option("--server-name", tls.server_name,
                 "Name the broker's certificate must hold (default: the host of --server)")
      ->envname("BERTH_TLS_SERVER_NAME")
      ->type_name("NAME")
      ->group(group);
}

void add_credential_flags(CLI::App& app, client::credentials& credentials) {
  const std::string group = "Authentication (brokers with [auth]; docs/security.md)";
  app.add_option("--access-key", credentials.access_key, "The account's access key")
      ->envname("BERTH_ACCESS_KEY")
      ->type_name("KEY")
      ->group(group);
  app.add_option("--secret-key", credentials.secret_key,
                 "The account's secret key, which signs every request (prefer BERTH_SECRET_KEY)")
      ->envname("BERTH_SECRET_KEY")
      ->type_name("SECRET")
      ->group(group);
}

void settle_tls_flags(client::tls_options& tls) {
  if (!tls.ca_file.empty() || !tls.cert_file.empty() || !tls.key_file.empty() ||
      !tls.server_name.empty()) {
    tls.enabled = true;
  }
}

}  // namespace berth::tools
