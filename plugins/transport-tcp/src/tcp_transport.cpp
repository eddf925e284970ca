#include "tcp_transport.hpp"

#include "plain_stream.hpp"

namespace berth::transport_tcp {

tcp_transport::tcp_transport(sdk::host& host)
    : config_(read_listener_config(host)),
      listener_(host, config_, "tcp", [](boost::asio::ip::tcp::socket socket) -> byte_stream_ptr {
        return std::make_unique<plain_stream>(std::move(socket));
      }) {}

}  // namespace berth::transport_tcp
