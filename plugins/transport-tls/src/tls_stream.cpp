#include "tls_stream.hpp"

#include "plain_stream.hpp"
#include "refusal_frame.hpp"

#include <berth/wire/codes.hpp>
#include <berth/wire/endian.hpp>
#include <berth/wire/frame.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace berth::transport_tls {

namespace asio = boost::asio;

namespace {

bool is_native_frame(const std::array<uint8_t, 6>& first) {
  return wire::detail::load_le<uint16_t>(first.data() + 4) == wire::frame_magic;
}

}  // namespace

tls_stream::tls_stream(asio::ip::tcp::socket socket, context_ptr context)
    : context_(std::move(context)),
      socket_(std::move(socket)),
      stream_(socket_, context_->native_handle(), tls::engine::role::server) {}

void tls_stream::async_open(open_handler done) {
  asio::async_read(socket_, asio::buffer(first_),
                   [this, done = std::move(done)](const boost::system::error_code& ec,
                                                  size_t) mutable {
                     on_first_bytes(ec, std::move(done));
                   });
}

void tls_stream::on_first_bytes(const boost::system::error_code& ec, open_handler done) {
  if (ec) {
    done(ec == asio::error::eof ? "closed by the client before the TLS handshake"
                                : "cannot read the TLS handshake: " + ec.message());
    return;
  }
  if (is_native_frame(first_)) {
    refuse_plaintext(std::move(done));
    return;
  }
  stream_.feed(first_.data(), first_.size());
  stream_.async_handshake([this, done = std::move(done)](const boost::system::error_code& e) {
    if (e) {
      done(handshake_failure(e));
      return;
    }
    handshaken_ = true;
    done({});
  });
}

void tls_stream::refuse_plaintext(open_handler done) {
  refusal_ = transport_tcp::refusal_frame(
      static_cast<uint16_t>(wire::status::tls_required),
      "this port speaks TLS: connect with TLS (berthctl --tls, client option tls.enabled)");
  asio::async_write(socket_, asio::buffer(refusal_),
                    [done = std::move(done)](const boost::system::error_code&, size_t) {
                      done("a plaintext client on the TLS port (answered TLS_REQUIRED)");
                    });
}

std::string tls_stream::handshake_failure(const boost::system::error_code& ec) const {
  std::string why = "TLS handshake failed: " + ec.message();
  if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
      ec == asio::error::connection_reset) {
    why = "TLS handshake failed: the client closed the connection";
  } else if (ec.message().find(" alert ") != std::string::npos) {
    // An alert the client sent: it refused something of ours (the certificate, mostly).
    why = "TLS handshake failed: the client refused it (" + ec.message() + ")";
  }
  const long verdict = SSL_get_verify_result(stream_.native_handle());
  if (verdict != X509_V_OK) {
    why += std::string(" (client certificate: ") + X509_verify_cert_error_string(verdict) + ")";
  }
  return why;
}

void tls_stream::async_read_some(asio::mutable_buffer into, io_handler done) {
  stream_.async_read_some(into, std::move(done));
}

void tls_stream::async_read_exactly(asio::mutable_buffer into, io_handler done) {
  asio::async_read(stream_, into, std::move(done));
}

void tls_stream::async_write(const std::vector<asio::const_buffer>& parts, io_handler done) {
  // One write_some encrypts and sends every part.
  stream_.async_write_some(parts, std::move(done));
}

void tls_stream::async_goodbye(close_handler done) {
  if (!handshaken_) {
    asio::post(socket_.get_executor(), std::move(done));
    return;
  }
  stream_.async_shutdown([done = std::move(done)](const boost::system::error_code&) { done(); });
}

void tls_stream::close() { transport_tcp::close_socket(socket_); }

std::string tls_stream::peer_subject() const {
  SSL* ssl = stream_.native_handle();
  if (!handshaken_ || SSL_get_verify_result(ssl) != X509_V_OK) return {};
  const X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr) return {};
  return certificate_name(X509_get_subject_name(cert));
}

}  // namespace berth::transport_tls
