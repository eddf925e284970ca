#include "tls_context.hpp"

#include <berth/plugin/error.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstring>
#include <filesystem>
#include <memory>

namespace berth::transport_tls {

namespace ssl = boost::asio::ssl;

namespace {

[[noreturn]] void fail(berth_status status, const std::string& message) {
  throw sdk::plugin_error(status, message);
}

// A file the operator named must exist and be readable; OpenSSL's own words for a missing
// file ("system lib") say less than this.
void check_readable(const std::string& key, const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    fail(BERTH_E_IO, key + ": '" + path + "' is not a file");
  }
  if (std::FILE* f = std::fopen(path.c_str(), "rb"); f != nullptr) {
    std::fclose(f);
  } else {
    fail(BERTH_E_IO, key + ": cannot read '" + path + "': " + std::strerror(errno));
  }
}

}  // namespace

std::string certificate_name(const X509_NAME* name) {
  std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), &BIO_free);
  if (!out || X509_NAME_print_ex(out.get(), name, 0, XN_FLAG_RFC2253) < 0) return {};
  char* data = nullptr;
  const long size = BIO_ctrl(out.get(), BIO_CTRL_INFO, 0, static_cast<void*>(&data));  // BIO_get_mem_data
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : std::string{};
}

namespace {

certificate_facts facts_of(const X509* cert) {
  certificate_facts facts;
  if (cert == nullptr) return facts;
  facts.subject = certificate_name(X509_get_subject_name(cert));
  facts.issuer = certificate_name(X509_get_issuer_name(cert));
  tm when{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &when) == 1) {
    facts.not_after = std::chrono::seconds(timegm(&when));
  }
  facts.expired = X509_cmp_current_time(X509_get0_notAfter(cert)) < 0;
  return facts;
}

// ALPN: pick our protocol id when the client offers it; a client that offers ALPN without it
// speaks something else and is refused (RFC 7301: no_application_protocol). `arg` is the
// config's id, which outlives every context made from it.
int select_alpn(SSL*, const unsigned char** out, unsigned char* out_len, const unsigned char* in,
                unsigned int in_len, void* arg) {
  const auto* wanted = static_cast<const std::string*>(arg);
  for (unsigned int i = 0; i < in_len;) {
    const unsigned int len = in[i];
    if (i + 1 + len > in_len) break;
    if (len == wanted->size() && std::memcmp(in + i + 1, wanted->data(), len) == 0) {
      *out = in + i + 1;
      *out_len = static_cast<unsigned char>(len);
      return SSL_TLSEXT_ERR_OK;
    }
    i += 1 + len;
  }
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

}  // namespace

std::string take_openssl_error(const std::string& fallback) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return fallback;
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? std::string(reason) : std::string(text);
}

server_context make_server_context(const tls_config& config) {
  ERR_clear_error();
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* ctx = context->native_handle();

  SSL_CTX_set_min_proto_version(ctx, config.min_version);
  // No renegotiation (a client-driven CPU drain and a source of past CVEs), no compression
  // (CRIME), the server's order of suites.
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Idle connections give their read and write buffers back.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_set_cipher_list(ctx, config.ciphers.c_str()) != 1) {
    fail(BERTH_E_INVALID, "ciphers: OpenSSL knows none of '" + config.ciphers +
                              "': " + take_openssl_error());
  }
  if (SSL_CTX_set_ciphersuites(ctx, config.ciphersuites.c_str()) != 1) {
    fail(BERTH_E_INVALID, "ciphersuites: OpenSSL knows none of '" + config.ciphersuites +
                              "': " + take_openssl_error());
  }

  check_readable("certificate", config.certificate);
  if (SSL_CTX_use_certificate_chain_file(ctx, config.certificate.c_str()) != 1) {
    fail(BERTH_E_INVALID, "certificate: '" + config.certificate +
                              "' holds no usable PEM certificate: " + take_openssl_error());
  }
  check_readable("private_key", config.private_key);
  // OpenSSL checks the key against the certificate as it loads it ("key values mismatch").
  if (SSL_CTX_use_PrivateKey_file(ctx, config.private_key.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    const std::string reason = take_openssl_error();
    if (reason == "key values mismatch") {
      fail(BERTH_E_INVALID, "private_key: '" + config.private_key +
                                "' is not the key of the certificate in '" + config.certificate +
                                "'");
    }
    fail(BERTH_E_INVALID, "private_key: '" + config.private_key +
                              "' holds no usable unencrypted PEM key: " + reason);
  }

  if (!config.ca.empty()) {
    check_readable("ca", config.ca);
    if (SSL_CTX_load_verify_locations(ctx, config.ca.c_str(), nullptr) != 1) {
      fail(BERTH_E_INVALID,
           "ca: '" + config.ca + "' holds no usable PEM certificate: " + take_openssl_error());
    }
    // Tell clients which CAs we accept, so that one with several certificates picks right.
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(config.ca.c_str())) {
      SSL_CTX_set_client_CA_list(ctx, names);
    }
  }
  switch (config.auth) {
    case client_auth::none: SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr); break;
    case client_auth::request: SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr); break;
    case client_auth::require:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
      break;
  }
  // Resumed sessions must belong to this server (required with client verification).
  static const unsigned char session_context[] = "berth";
  SSL_CTX_set_session_id_context(ctx, session_context, sizeof session_context - 1);

  if (!config.alpn.empty()) {
    SSL_CTX_set_alpn_select_cb(ctx, &select_alpn, const_cast<std::string*>(&config.alpn));
  }

  server_context made;
  made.certificate = facts_of(SSL_CTX_get0_certificate(ctx));
  made.context = std::move(context);
  return made;
}

}  // namespace berth::transport_tls
