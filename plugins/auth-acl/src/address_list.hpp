// An account's allow list: addresses and CIDR blocks, IPv4 and IPv6 ("10.0.0.0/8",
// "127.0.0.1", "::1", "fd00::/8"). An empty list allows every address.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::auth_acl {

class address_list {
 public:
  // Adds one entry; false when it is not an address or a CIDR block.
  bool add(std::string_view entry);
  [[nodiscard]] bool empty() const { return blocks_.empty(); }
  // `peer` is "ip:port" (IPv6 in brackets), as transports report it.
  [[nodiscard]] bool allows(std::string_view peer) const;

  // The address part of "ip:port" / "[v6]:port"; nullopt when it does not parse.
  static std::optional<boost::asio::ip::address> address_of(std::string_view peer);

 private:
  struct block {
    boost::asio::ip::address network;
    unsigned prefix = 0;  // bits
  };
  std::vector<block> blocks_;
};

}  // namespace berth::auth_acl
