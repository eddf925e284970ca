#include "tls_channel.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>

namespace berth::client::internal {

namespace {

// The reason of the newest OpenSSL error, clearing the queue.
std::string openssl_reason() {
  unsigned long code = 0;
  unsigned long last = 0;
  while ((code = ERR_get_error()) != 0) last = code;
  if (last == 0) return "no reason given";
  const char* reason = ERR_reason_error_string(last);
  return reason != nullptr ? reason : "error " + std::to_string(last);
}

result<void> check_readable(const char* option, const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return failure(errc::invalid_argument, std::string("tls ") + option + ": '" + path +
                                               "' is not a file");
  }
  if (std::FILE* f = std::fopen(path.c_str(), "rb"); f != nullptr) {
    std::fclose(f);
    return success();
  }
  return failure(errc::invalid_argument, std::string("tls ") + option + ": cannot read '" + path +
                                             "': " + std::strerror(errno));
}

std::string name_text(const X509_NAME* name) {
  std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), &BIO_free);
  if (!out || X509_NAME_print_ex(out.get(), name, 0, XN_FLAG_RFC2253) < 0) return "?";
  char* data = nullptr;
  const long size = BIO_ctrl(out.get(), BIO_CTRL_INFO, 0, static_cast<void*>(&data));  // BIO_get_mem_data
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : std::string("?");
}

// "DNS:localhost, IP:127.0.0.1" from the certificate's subjectAltName.
std::string alt_names(const X509* cert) {
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return "none";
  std::string out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
    std::string one;
    if (n->type == GEN_DNS) {
      one = "DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(n->d.dNSName)),
                                 static_cast<size_t>(ASN1_STRING_length(n->d.dNSName)));
    } else if (n->type == GEN_IPADD) {
      const unsigned char* b = ASN1_STRING_get0_data(n->d.iPAddress);
      const int len = ASN1_STRING_length(n->d.iPAddress);
      boost::system::error_code ec;
      if (len == 4) {
        one = "IP:" + boost::asio::ip::make_address_v4(
                          boost::asio::ip::address_v4::bytes_type{b[0], b[1], b[2], b[3]})
                          .to_string();
      } else if (len == 16) {
        boost::asio::ip::address_v6::bytes_type bytes{};
        std::memcpy(bytes.data(), b, 16);
        one = "IP:" + boost::asio::ip::make_address_v6(bytes).to_string();
      }
    }
    if (!one.empty()) out += (out.empty() ? "" : ", ") + one;
  }
  GENERAL_NAMES_free(names);
  return out.empty() ? "none" : out;
}

std::string date_text(const ASN1_TIME* t) {
  tm when{};
  if (ASN1_TIME_to_tm(t, &when) != 1) return "?";
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &when);
  return text;
}

bool is_ip(const std::string& host) {
  boost::system::error_code ec;
  (void)boost::asio::ip::make_address(host, ec);
  return !ec;
}

// The broker's certificate failed verification: say which check and what to do.
std::string verify_failure(long verdict, const X509* cert, const std::string& name) {
  const std::string subject = cert != nullptr ? name_text(X509_get_subject_name(cert)) : "?";
  switch (verdict) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return "the broker's certificate (" + subject + ", issued by " +
             (cert != nullptr ? name_text(X509_get_issuer_name(cert)) : "?") +
             ") is not signed by a CA this client trusts: give that CA's certificate with --ca "
             "FILE (tls_options::ca_file)";
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return "the broker's certificate (" + subject + ") is not for '" + name +
             "': it holds " + (cert != nullptr ? alt_names(cert) : "?") +
             " (connect by one of those, or set --server-name, tls_options::server_name)";
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "the broker's certificate (" + subject + ") expired on " +
             (cert != nullptr ? date_text(X509_get0_notAfter(cert)) : "?");
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "the broker's certificate (" + subject + ") is valid only from " +
             (cert != nullptr ? date_text(X509_get0_notBefore(cert)) : "?") +
             " (check this machine's clock)";
    default:
      return "the broker's certificate (" + subject +
             ") failed verification: " + X509_verify_cert_error_string(verdict);
  }
}

}  // namespace

result<tls_context_ptr> make_client_context(const tls_options& o) {
  ERR_clear_error();
  auto context = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client);
  SSL_CTX* ctx = context->native_handle();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (o.ca_file.empty()) {
    if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
      return failure(errc::invalid_argument,
                     "tls: cannot load the system's trusted CAs: " + openssl_reason());
    }
  } else {
    if (auto ok = check_readable("ca_file", o.ca_file); !ok) return failure(ok.error());
    if (SSL_CTX_load_verify_locations(ctx, o.ca_file.c_str(), nullptr) != 1) {
      return failure(errc::invalid_argument, "tls ca_file: '" + o.ca_file +
                                                 "' holds no usable PEM certificate: " +
                                                 openssl_reason());
    }
  }
  if (o.cert_file.empty() != o.key_file.empty()) {
    return failure(errc::invalid_argument,
                   "tls: a client certificate needs both cert_file and key_file (--cert and --key)");
  }
  if (!o.cert_file.empty()) {
    if (auto ok = check_readable("cert_file", o.cert_file); !ok) return failure(ok.error());
    if (auto ok = check_readable("key_file", o.key_file); !ok) return failure(ok.error());
    if (SSL_CTX_use_certificate_chain_file(ctx, o.cert_file.c_str()) != 1) {
      return failure(errc::invalid_argument, "tls cert_file: '" + o.cert_file +
                                                 "' holds no usable PEM certificate: " +
                                                 openssl_reason());
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, o.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
      return failure(errc::invalid_argument, "tls key_file: '" + o.key_file +
                                                 "' is not an unencrypted PEM key of '" +
                                                 o.cert_file + "': " + openssl_reason());
    }
  }
  if (o.alpn.size() > 255) {
    return failure(errc::invalid_argument, "tls alpn: a protocol id is at most 255 bytes");
  }
  return context;
}

result<void> prepare_connection(SSL* ssl, const tls_options& o, const std::string& host) {
  const std::string& name = expected_name(o, host);
  if (is_ip(name)) {
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name.c_str()) != 1) {
      return failure(errc::invalid_argument, "tls: cannot verify for address '" + name + "'");
    }
  } else {
    // SNI names the broker we want; the certificate must hold that name.
    if (SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(name.c_str())) != 1 || SSL_set1_host(ssl, name.c_str()) != 1) {
      return failure(errc::invalid_argument, "tls: '" + name + "' is not a usable server name");
    }
  }
  if (!o.alpn.empty()) {
    std::string wire_list(1, static_cast<char>(o.alpn.size()));
    wire_list += o.alpn;
    SSL_set_alpn_protos(ssl, reinterpret_cast<const unsigned char*>(wire_list.data()),
                        static_cast<unsigned int>(wire_list.size()));
  }
  return success();
}

std::string handshake_failure(SSL* ssl, const boost::system::error_code& ec,
                              const std::string& endpoint, const std::string& name) {
  const std::string prefix = "TLS handshake with " + endpoint + " failed: ";
  const long verdict = SSL_get_verify_result(ssl);
  if (verdict != X509_V_OK) {
    // A certificate that failed verification is not the session's peer; it heads the chain.
    STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
    const X509* cert = chain != nullptr && sk_X509_num(chain) > 0 ? sk_X509_value(chain, 0) : nullptr;
    return prefix + verify_failure(verdict, cert, name);
  }
  if (ec == boost::asio::error::eof || ec == boost::asio::ssl::error::stream_truncated ||
      ec == boost::asio::error::connection_reset) {
    return prefix + "the broker closed the connection (is " + endpoint +
           " a plain TCP port? then connect without --tls)";
  }
  const std::string reason = ec.message();
  if (reason.find("wrong version number") != std::string::npos ||
      reason.find("packet length too long") != std::string::npos ||
      reason.find("record layer failure") != std::string::npos) {
    return prefix + "the broker did not answer in TLS (is " + endpoint +
           " a plain TCP port? then connect without --tls): " + reason;
  }
  if (auto refused = client_refusal(ec)) return prefix + *refused;
  if (reason.find("no application protocol") != std::string::npos) {
    return prefix + "the broker speaks another protocol over TLS (ALPN: " + reason + ")";
  }
  return prefix + reason;
}

std::optional<std::string> client_refusal(const boost::system::error_code& ec) {
  if (ec.category() != boost::asio::error::get_ssl_category()) return std::nullopt;
  const std::string reason = ec.message();
  for (const char* alert : {"certificate required", "bad certificate", "unknown ca",
                            "certificate unknown", "access denied"}) {
    if (reason.find(alert) != std::string::npos) {
      return "the broker refused this client's certificate (" + reason +
             "): it wants one signed by a CA it trusts (--cert FILE --key FILE)";
    }
  }
  return std::nullopt;
}

}  // namespace berth::client::internal
