// TLS over an accepted socket (berth::tls::stream: OpenSSL over memory BIOs, one socket write
// per batch of answers). Opening reads the client's first bytes: a native-protocol frame in
// plaintext is answered TLS_REQUIRED in plaintext (the client learns what is wrong); anything
// else goes to the handshake with those bytes.
#pragma once

#include "byte_stream.hpp"
#include "tls_context.hpp"

#include <berth/tls/stream.hpp>

#include <boost/asio/ip/tcp.hpp>

#include <array>
#include <cstdint>
#include <vector>

namespace berth::transport_tls {

class tls_stream final : public transport_tcp::byte_stream {
 public:
  // `context` is the one current at accept; the connection keeps it for its life.
  tls_stream(boost::asio::ip::tcp::socket socket, context_ptr context);

  void async_open(open_handler done) override;
  void async_read_some(boost::asio::mutable_buffer into, io_handler done) override;
  void async_read_exactly(boost::asio::mutable_buffer into, io_handler done) override;
  void async_write(const std::vector<boost::asio::const_buffer>& parts, io_handler done) override;
  void async_goodbye(close_handler done) override;
  void close() override;
  [[nodiscard]] std::string peer_subject() const override;
  [[nodiscard]] boost::asio::ip::tcp::socket& socket() override { return socket_; }

 private:
  void on_first_bytes(const boost::system::error_code& ec, open_handler done);
  void refuse_plaintext(open_handler done);
  // "TLS handshake failed: <OpenSSL's reason>", with the certificate check's verdict if any.
  [[nodiscard]] std::string handshake_failure(const boost::system::error_code& ec) const;

  context_ptr context_;  // first: the SSL object is made from it and must not outlive it
  boost::asio::ip::tcp::socket socket_;
  tls::stream stream_;
  // A TLS record header is 5 bytes; a native frame has its magic at bytes 4 and 5.
  std::array<uint8_t, 6> first_{};
  std::vector<uint8_t> refusal_;
  bool handshaken_ = false;
};

}  // namespace berth::transport_tls
