#include "config/listen_address.hpp"

#include <charconv>
#include <string>

namespace berth::kernel::config {

result<boost::asio::ip::tcp::endpoint> parse_listen_address(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return failure(BERTH_E_INVALID, "listen: \"" + std::string(text) + "\" " + std::string(why) +
                                        " (expected address:port, e.g. \"127.0.0.1:10980\")");
  };
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return bad("has no port");
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(std::string(host), ec);
  if (ec) return bad("is not an IP address");
  const std::string_view port = text.substr(colon + 1);
  unsigned value = 0;
  const auto [end, err] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || err != std::errc{} || end != port.data() + port.size() || value > 65535) {
    return bad("has a port that is not a number from 0 to 65535");
  }
  return boost::asio::ip::tcp::endpoint(address, static_cast<unsigned short>(value));
}

}  // namespace berth::kernel::config
