// Plain TCP: bytes as they come, and gathered writes straight from the parts handed in (so
// message bodies go from the store's mapped file to the socket without a copy).
#pragma once

#include "byte_stream.hpp"

namespace berth::transport_tcp {

class plain_stream final : public byte_stream {
 public:
  explicit plain_stream(boost::asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}

  void async_open(open_handler done) override;
  void async_read_some(boost::asio::mutable_buffer into, io_handler done) override;
  void async_read_exactly(boost::asio::mutable_buffer into, io_handler done) override;
  void async_write(const std::vector<boost::asio::const_buffer>& parts, io_handler done) override;
  void async_goodbye(close_handler done) override;
  void close() override;
  [[nodiscard]] std::string peer_subject() const override { return {}; }
  [[nodiscard]] boost::asio::ip::tcp::socket& socket() override { return socket_; }

 private:
  boost::asio::ip::tcp::socket socket_;
};

// close() for any stream: shut both ways and close, ignoring errors (the peer may be gone).
void close_socket(boost::asio::ip::tcp::socket& socket);

}  // namespace berth::transport_tcp
