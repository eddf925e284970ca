#include "tls_probe.hpp"

#include <berth/wire/frame.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace berth::test {

struct tls_probe::state {
  int fd = -1;
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  ~state() {
    if (ssl != nullptr) SSL_free(ssl);
    if (ctx != nullptr) SSL_CTX_free(ctx);
    if (fd >= 0) ::close(fd);
  }
};

namespace {

std::string openssl_reason(int ssl_error) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code != 0) {
    const char* reason = ERR_reason_error_string(code);
    return reason != nullptr ? reason : "error " + std::to_string(code);
  }
  if (ssl_error == SSL_ERROR_SYSCALL) return "the connection was closed";
  if (ssl_error == SSL_ERROR_ZERO_RETURN) return "the peer ended TLS";
  return "SSL error " + std::to_string(ssl_error);
}

}  // namespace

tls_probe::tls_probe(const std::string& endpoint, const tls_probe_options& o)
    : state_(std::make_unique<state>()) {
  const auto colon = endpoint.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::stoi(endpoint.substr(colon + 1))));
  ::inet_pton(AF_INET, endpoint.substr(0, colon).c_str(), &addr.sin_addr);
  state_->fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (::connect(state_->fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error("cannot connect to " + endpoint);
  }
  ::fcntl(state_->fd, F_SETFL, ::fcntl(state_->fd, F_GETFL) | O_NONBLOCK);

  state_->ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX* ctx = state_->ctx;
  if (!o.cipher_list.empty()) SSL_CTX_set_cipher_list(ctx, o.cipher_list.c_str());
  if (o.min_version != 0) SSL_CTX_set_min_proto_version(ctx, o.min_version);
  if (o.max_version != 0) SSL_CTX_set_max_proto_version(ctx, o.max_version);
  if (!o.ca_file.empty()) {
    SSL_CTX_load_verify_locations(ctx, o.ca_file.c_str(), nullptr);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  }
  if (!o.cert_file.empty()) {
    SSL_CTX_use_certificate_chain_file(ctx, o.cert_file.c_str());
    SSL_CTX_use_PrivateKey_file(ctx, o.key_file.c_str(), SSL_FILETYPE_PEM);
  }
  state_->ssl = SSL_new(ctx);
  SSL_set_fd(state_->ssl, state_->fd);
  if (!o.alpn.empty()) {
    std::string list(1, static_cast<char>(o.alpn.size()));
    list += o.alpn;
    SSL_set_alpn_protos(state_->ssl, reinterpret_cast<const unsigned char*>(list.data()),
                        static_cast<unsigned>(list.size()));
  }
  ERR_clear_error();
}

tls_probe::~tls_probe() = default;

template <class Step>
int tls_probe::drive(Step step, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const int r = step();
    if (r > 0) return r;
    const int e = SSL_get_error(state_->ssl, r);
    short events = 0;
    if (e == SSL_ERROR_WANT_READ) events = POLLIN;
    else if (e == SSL_ERROR_WANT_WRITE) events = POLLOUT;
    else {
      error_ = openssl_reason(e);
      return -1;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      error_ = "timed out";
      return -1;
    }
    pollfd p{state_->fd, events, 0};
    ::poll(&p, 1, static_cast<int>(left.count()));
  }
}

bool tls_probe::handshake(std::chrono::milliseconds timeout) {
  return drive([&] { return SSL_connect(state_->ssl); }, timeout) > 0;
}

bool tls_probe::renegotiate(std::chrono::milliseconds timeout) {
  if (SSL_renegotiate(state_->ssl) != 1) {
    error_ = openssl_reason(SSL_ERROR_SSL);
    return false;
  }
  // The broker's answer arrives on a read; a refusal is an alert there.
  if (drive([&] { return SSL_do_handshake(state_->ssl); }, timeout) <= 0) return false;
  uint8_t byte = 0;
  const int r = drive([&] { return SSL_peek(state_->ssl, &byte, 1); }, timeout);
  if (r <= 0) return false;
  return SSL_renegotiate_pending(state_->ssl) == 0;
}

std::string tls_probe::protocol() const { return SSL_get_version(state_->ssl); }

std::string tls_probe::cipher() const {
  return SSL_CIPHER_get_name(SSL_get_current_cipher(state_->ssl));
}

std::string tls_probe::alpn() const {
  const unsigned char* data = nullptr;
  unsigned int len = 0;
  SSL_get0_alpn_selected(state_->ssl, &data, &len);
  return std::string(reinterpret_cast<const char*>(data), len);
}

std::string tls_probe::peer_subject() const {
  X509* cert = SSL_get1_peer_certificate(state_->ssl);
  if (cert == nullptr) return {};
  char text[512];
  X509_NAME_oneline(X509_get_subject_name(cert), text, sizeof text);
  X509_free(cert);
  return text;
}

bool tls_probe::write(std::span<const uint8_t> bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const int n = drive(
        [&] {
          return SSL_write(state_->ssl, bytes.data() + done, static_cast<int>(bytes.size() - done));
        },
        std::chrono::seconds(5));
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

bool tls_probe::read_exactly(uint8_t* out, size_t n, std::chrono::milliseconds timeout) {
  size_t done = 0;
  while (done < n) {
    const int got = drive(
        [&] { return SSL_read(state_->ssl, out + done, static_cast<int>(n - done)); }, timeout);
    if (got <= 0) return false;
    done += static_cast<size_t>(got);
  }
  return true;
}

std::optional<std::vector<uint8_t>> tls_probe::read_frame(std::chrono::milliseconds timeout) {
  std::vector<uint8_t> frame(wire::length_size);
  if (!read_exactly(frame.data(), wire::length_size, timeout)) return std::nullopt;
  const wire::header_result r = wire::peek_length(frame, 1u << 30);
  if (r.state != wire::header_state::ok) return std::nullopt;
  frame.resize(r.header.frame_size());
  if (!read_exactly(frame.data() + wire::length_size, r.header.length, timeout)) {
    return std::nullopt;
  }
  return frame;
}

bool tls_probe::closed_by_peer(std::chrono::milliseconds timeout) {
  uint8_t byte = 0;
  const int r = drive([&] { return SSL_read(state_->ssl, &byte, 1); }, timeout);
  return r <= 0 && error_ != "timed out";
}

}  // namespace berth::test
