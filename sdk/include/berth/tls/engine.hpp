// berth::tls::engine: OpenSSL over two memory BIOs. Ciphertext goes in and comes out as bytes;
// the engine does no I/O of its own, so whoever moves the bytes decides how many records one
// socket read or write carries (berth::tls::stream: as many as are there). Header-only; link
// OpenSSL (OpenSSL::SSL) to use it. Not thread-safe: one thread (or strand) at a time.
#pragma once

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/system/error_code.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

namespace berth::tls {

class engine {
 public:
  enum class role { client, server };
  enum class progress { done, want_input, failed };

  struct read_result {
    size_t bytes = 0;         // plaintext read
    bool want_input = false;  // feed more ciphertext
    bool closed = false;      // the peer ended TLS (close_notify)
    bool failed = false;      // error() says why
  };

  // A connection of `ctx` (which must outlive it, as OpenSSL's reference count ensures).
  engine(SSL_CTX* ctx, role r) : ssl_(SSL_new(ctx)) {
    if (ssl_ == nullptr) throw std::bad_alloc();
    in_ = BIO_new(BIO_s_mem());
    out_ = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(in_, -1);  // empty means "nothing yet", not end of stream
    SSL_set_bio(ssl_, in_, out_);     // ssl_ owns both
    if (r == role::server) {
      SSL_set_accept_state(ssl_);
    } else {
      SSL_set_connect_state(ssl_);
    }
  }
  ~engine() { SSL_free(ssl_); }
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  // Ciphertext from the network.
  void feed(const uint8_t* data, size_t size) {
    while (size > 0) {
      const int n = BIO_write(in_, data, chunk(size));
      if (n <= 0) throw std::bad_alloc();  // a memory BIO fails only without memory
      data += n;
      size -= static_cast<size_t>(n);
    }
  }

  // One step of the handshake; what it produced waits in pending_output().
  progress handshake() {
    ERR_clear_error();
    const int r = SSL_do_handshake(ssl_);
    if (r == 1) return progress::done;
    if (SSL_get_error(ssl_, r) == SSL_ERROR_WANT_READ) return progress::want_input;
    fail(r);
    return progress::failed;
  }

  // Plaintext, as much as the records fed so far hold, up to `size`.
  read_result read(void* into, size_t size) {
    read_result result;
    ERR_clear_error();
    const int r = SSL_read(ssl_, into, chunk(size));
    if (r > 0) {
      result.bytes = static_cast<size_t>(r);
      return result;
    }
    switch (SSL_get_error(ssl_, r)) {
      case SSL_ERROR_WANT_READ: result.want_input = true; break;
      case SSL_ERROR_ZERO_RETURN: result.closed = true; break;
      default:
        fail(r);
        result.failed = true;
    }
    return result;
  }

  // Encrypt all of `data` into the output; false (error() says why) when TLS has failed.
  bool write(const void* data, size_t size) {
    const auto* bytes = static_cast<const uint8_t*>(data);
    while (size > 0) {
      ERR_clear_error();
      const int r = SSL_write(ssl_, bytes, chunk(size));
      if (r <= 0) {
        fail(r);
        return false;
      }
      bytes += r;
      size -= static_cast<size_t>(r);
    }
    return true;
  }

  // Queue close_notify.
  void close_notify() {
    ERR_clear_error();
    (void)SSL_shutdown(ssl_);
    ERR_clear_error();
  }

  [[nodiscard]] size_t pending_output() const { return BIO_ctrl_pending(out_); }

  // Append the ciphertext waiting to be sent to `out`.
  void take_output(std::vector<uint8_t>& out) {
    const size_t waiting = pending_output();
    if (waiting == 0) return;
    const size_t at = out.size();
    out.resize(at + waiting);
    const int n = BIO_read(out_, out.data() + at, chunk(waiting));
    out.resize(at + static_cast<size_t>(std::max(n, 0)));
  }

  // Why the last step failed, in Asio's SSL error category (message() is OpenSSL's reason).
  [[nodiscard]] const boost::system::error_code& error() const { return error_; }
  [[nodiscard]] SSL* native() const { return ssl_; }

 private:
  static int chunk(size_t size) { return static_cast<int>(std::min<size_t>(size, INT_MAX)); }

  void fail(int r) {
    const int kind = SSL_get_error(ssl_, r);
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code != 0) {
      error_ = boost::system::error_code(static_cast<int>(code),
                                         boost::asio::error::get_ssl_category());
    } else if (kind == SSL_ERROR_ZERO_RETURN) {
      error_ = boost::asio::error::eof;
    } else {
      error_ = boost::asio::ssl::error::unexpected_result;
    }
  }

  SSL* ssl_ = nullptr;
  BIO* in_ = nullptr;
  BIO* out_ = nullptr;
  boost::system::error_code error_;
};

}  // namespace berth::tls
