#include "tls_transport.hpp"

#include "tls_stream.hpp"

namespace berth::transport_tls {

tls_transport::tls_transport(sdk::host& host)
    : host_(host),
      config_(read_tls_config(host)),
      handshake_failures_(host.counter(
          "tls_handshake_failures_total",
          "connections closed before their TLS handshake completed (bad or no certificate, "
          "old version, no shared suite, plaintext, garbage, handshake timeout)")),
      reloads_failed_(host.counter("tls_reloads_failed_total",
                                   "reloads (SIGHUP) that kept the old certificate")),
      not_after_(host.gauge("tls_certificate_not_after_seconds",
                            "when the served certificate expires (Unix time)")),
      listener_(host, config_.listener, "tls",
                [this](boost::asio::ip::tcp::socket socket) -> transport_tcp::byte_stream_ptr {
                  return std::make_unique<tls_stream>(std::move(socket), current());
                },
                handshake_failures_) {
  use(make_server_context(config_), "loaded");
}

void tls_transport::reload() {
  try {
    use(make_server_context(config_), "reloaded");
  } catch (...) {
    reloads_failed_.add();
    throw;
  }
}

context_ptr tls_transport::current() const {
  std::lock_guard lock(mutex_);
  return context_;
}

void tls_transport::use(server_context made, const char* how) {
  const certificate_facts& c = made.certificate;
  not_after_.set(static_cast<int64_t>(c.not_after.count()));
  {
    std::lock_guard lock(mutex_);
    context_ = std::move(made.context);
  }
  host_.info("certificate ", how, " from ", config_.certificate, ": subject ", c.subject,
             ", issuer ", c.issuer, ", client_auth ", to_string(config_.auth),
             config_.min_version == TLS1_3_VERSION ? ", TLS 1.3 only" : ", TLS 1.2 and 1.3");
  if (c.expired) {
    host_.warn("the certificate in ", config_.certificate,
               " has expired: clients that verify it refuse to connect");
  }
}

}  // namespace berth::transport_tls
