// berth::tls::stream: TLS over a TCP socket, as an Asio AsyncStream (async_read_some,
// async_write_some, get_executor), so asio::async_read and asio::async_write work over it.
//
// Why not asio::ssl::stream: it makes an asynchronous round trip through the reactor for
// every 16 KiB record, and re-arms internal timers on every operation. Here a write encrypts
// all its buffers and sends the ciphertext with one socket write; a read takes in up to 64 KiB
// of records with one socket read. Completions run on the socket's executor, never inside the
// call that started them.
//
// Rules, as for any Asio stream: at most one read and one write in flight; calls from the
// socket's executor (one thread or a strand). The socket, the SSL_CTX and this object must
// outlive every operation in flight. Header-only; link OpenSSL.
#pragma once

#include <berth/tls/engine.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace berth::tls {

class stream {
 public:
  using executor_type = boost::asio::ip::tcp::socket::executor_type;

  stream(boost::asio::ip::tcp::socket& socket, SSL_CTX* ctx, engine::role r)
      : socket_(socket), engine_(ctx, r), gate_(socket.get_executor()), net_in_(read_size) {}

  [[nodiscard]] executor_type get_executor() { return socket_.get_executor(); }
  [[nodiscard]] SSL* native_handle() const { return engine_.native(); }
  [[nodiscard]] boost::asio::ip::tcp::socket& next_layer() { return socket_; }

  // Bytes the peer sent before the handshake began, read by the caller (a server peeking at
  // the first bytes of a connection).
  void feed(const uint8_t* data, size_t size) { engine_.feed(data, size); }

  // handler(error_code). On failure, an alert the engine made is sent first.
  template <class Handler>
  void async_handshake(Handler handler) {
    const engine::progress p = engine_.handshake();
    send_output([this, p, handler = std::move(handler)](const boost::system::error_code& ec) mutable {
      if (p == engine::progress::failed) {
        handler(engine_.error());
      } else if (ec) {
        handler(ec);
      } else if (p == engine::progress::done) {
        handler(boost::system::error_code{});
      } else {
        receive([this, handler = std::move(handler)](const boost::system::error_code& e) mutable {
          if (e) {
            handler(e);
            return;
          }
          async_handshake(std::move(handler));
        });
      }
    });
  }

  // handler(error_code, bytes): plaintext into the first non-empty buffer. End of TLS
  // (close_notify) is asio::error::eof; a socket that ends without it, stream_truncated.
  template <class MutableBuffers, class Handler>
  void async_read_some(const MutableBuffers& buffers, Handler handler) {
    boost::asio::mutable_buffer into = first_of<boost::asio::mutable_buffer>(buffers);
    if (into.size() == 0) {
      complete(std::move(handler), boost::system::error_code{}, size_t{0});
      return;
    }
    read_into(into, std::move(handler));
  }

  // handler(error_code, bytes): every buffer encrypted and sent with one socket write.
  template <class ConstBuffers, class Handler>
  void async_write_some(const ConstBuffers& buffers, Handler handler) {
    if (writing_) {  // the answer to a read (an alert, a key update) is being sent: wait
      gate_.async_wait([this, buffers, handler = std::move(handler)](
                           const boost::system::error_code&) mutable {
        async_write_some(buffers, std::move(handler));
      });
      return;
    }
    size_t bytes = 0;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      const boost::asio::const_buffer part(*it);
      if (!engine_.write(part.data(), part.size())) {
        complete(std::move(handler), engine_.error(), size_t{0});
        return;
      }
      bytes += part.size();
    }
    send_output([handler = std::move(handler), bytes](const boost::system::error_code& ec) mutable {
      handler(ec, ec ? 0 : bytes);
    });
  }

  // handler(error_code): close_notify sent (the peer's is not awaited; TLS allows closing after
  // sending it).
  template <class Handler>
  void async_shutdown(Handler handler) {
    engine_.close_notify();
    async_write_some(boost::asio::const_buffer(), [handler = std::move(handler)](
                                                      const boost::system::error_code& ec,
                                                      size_t) mutable { handler(ec); });
  }

 private:
  static constexpr size_t read_size = size_t{64} << 10;  // four full records per socket read
  static constexpr size_t keep_output_bytes = size_t{1} << 20;

  template <class Buffer, class Buffers>
  static Buffer first_of(const Buffers& buffers) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      Buffer b(*it);
      if (b.size() > 0) return b;
    }
    return Buffer();
  }

  template <class Handler, class... Args>
  void complete(Handler handler, Args... args) {
    boost::asio::post(socket_.get_executor(),
                      [handler = std::move(handler), args...]() mutable { handler(args...); });
  }

  // Ciphertext from the socket into the engine, then then(error).
  template <class Then>
  void receive(Then then) {
    socket_.async_read_some(boost::asio::buffer(net_in_),
                            [this, then = std::move(then)](const boost::system::error_code& ec,
                                                           size_t n) mutable {
                              if (!ec) engine_.feed(net_in_.data(), n);
                              then(ec);
                            });
  }

  template <class Handler>
  void read_into(boost::asio::mutable_buffer into, Handler handler) {
    const engine::read_result r = engine_.read(into.data(), into.size());
    if (engine_.pending_output() > 0 && !writing_) {
      send_output([](const boost::system::error_code&) {});  // a reply the read made
    }
    if (r.bytes > 0 || r.closed || r.failed) {
      boost::system::error_code ec;
      if (r.closed) ec = boost::asio::error::eof;
      if (r.failed) ec = engine_.error();
      complete(std::move(handler), ec, r.bytes);
      return;
    }
    receive([this, into, handler = std::move(handler)](const boost::system::error_code& ec) mutable {
      if (ec) {
        handler(ec == boost::asio::error::eof ? boost::asio::ssl::error::stream_truncated : ec,
                size_t{0});
        return;
      }
      read_into(into, std::move(handler));
    });
  }

  // Send all the engine's output, then done(error). One at a time (writing_); a write that
  // comes meanwhile waits at the gate.
  template <class Done>
  void send_output(Done done) {
    net_out_.clear();
    engine_.take_output(net_out_);
    if (net_out_.empty()) {
      complete(std::move(done), boost::system::error_code{});
      return;
    }
    writing_ = true;
    gate_.expires_at(boost::asio::steady_timer::time_point::max());
    boost::asio::async_write(
        socket_, boost::asio::buffer(net_out_),
        [this, done = std::move(done)](const boost::system::error_code& ec, size_t) mutable {
          writing_ = false;
          gate_.cancel();
          if (net_out_.capacity() > keep_output_bytes) std::vector<uint8_t>().swap(net_out_);
          if (!ec && engine_.pending_output() > 0) {
            // Made while this write was out (the reply to a read): send it before done, so
            // that done means "all written".
            send_output(std::move(done));
            return;
          }
          done(ec);
        });
  }

  boost::asio::ip::tcp::socket& socket_;
  engine engine_;
  boost::asio::steady_timer gate_;  // open while no write is in flight
  std::vector<uint8_t> net_in_;
  std::vector<uint8_t> net_out_;
  bool writing_ = false;
};

}  // namespace berth::tls
