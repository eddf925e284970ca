// A connection's bytes, as a session sees them: plain TCP (plain_stream) or TLS over it
// (transport-tls). The session owns the framing, limits and back-pressure; the stream only
// moves bytes and, for TLS, opens and closes the secure channel.
//
// Threads: the socket is made on the session's strand, so every completion runs there; every
// call is made from the strand. At most one read and one write are in flight at a time.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace berth::transport_tcp {

class byte_stream {
 public:
  // Empty `failure`: open; otherwise why not (for the log), and the stream is to be closed.
  using open_handler = std::function<void(const std::string& failure)>;
  using io_handler = std::function<void(const boost::system::error_code&, size_t)>;
  using close_handler = std::function<void()>;

  virtual ~byte_stream() = default;

  // Before any read or write: TLS handshakes here; plain TCP is open at once.
  virtual void async_open(open_handler done) = 0;
  // Some bytes, at least one.
  virtual void async_read_some(boost::asio::mutable_buffer into, io_handler done) = 0;
  // Exactly `into.size()` bytes (a frame larger than the read buffer).
  virtual void async_read_exactly(boost::asio::mutable_buffer into, io_handler done) = 0;
  // All of `parts`, in order. `parts` and what it points to stay valid until `done`.
  virtual void async_write(const std::vector<boost::asio::const_buffer>& parts,
                           io_handler done) = 0;
  // A clean end after the last write (TLS close_notify); plain TCP is done at once. The
  // caller bounds how long it waits, then close()s regardless.
  virtual void async_goodbye(close_handler done) = 0;
  // Shut the socket now; what is in flight completes with an error.
  virtual void close() = 0;

  // The verified client certificate's subject ("CN=app,O=Acme"); empty without one.
  [[nodiscard]] virtual std::string peer_subject() const = 0;
  [[nodiscard]] virtual boost::asio::ip::tcp::socket& socket() = 0;
};

using byte_stream_ptr = std::unique_ptr<byte_stream>;

// Makes the stream for an accepted socket (the socket's executor is the session's strand).
using stream_factory = std::function<byte_stream_ptr(boost::asio::ip::tcp::socket)>;

}  // namespace berth::transport_tcp
