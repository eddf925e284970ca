// "host:port" as written in [admin] listen, to an endpoint; IPv6 in brackets ("[::1]:10980").
#pragma once

#include "common/result.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <string_view>

namespace berth::kernel::config {

[[nodiscard]] result<boost::asio::ip::tcp::endpoint> parse_listen_address(std::string_view text);

}  // namespace berth::kernel::config
