#include "plain_stream.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace berth::transport_tcp {

namespace asio = boost::asio;

void plain_stream::async_open(open_handler done) {
  asio::post(socket_.get_executor(), [done = std::move(done)] { done({}); });
}

void plain_stream::async_read_some(asio::mutable_buffer into, io_handler done) {
  socket_.async_read_some(into, std::move(done));
}

void plain_stream::async_read_exactly(asio::mutable_buffer into, io_handler done) {
  asio::async_read(socket_, into, std::move(done));
}

void plain_stream::async_write(const std::vector<asio::const_buffer>& parts, io_handler done) {
  asio::async_write(socket_, parts, std::move(done));
}

void plain_stream::async_goodbye(close_handler done) {
  asio::post(socket_.get_executor(), std::move(done));
}

void plain_stream::close() { close_socket(socket_); }

void close_socket(asio::ip::tcp::socket& socket) {
  boost::system::error_code ignored;
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

}  // namespace berth::transport_tcp
