#include "address_list.hpp"

#include <charconv>

namespace berth::auth_acl {

namespace asio = boost::asio;

namespace {

// The first `bits` bits of both byte arrays are equal.
template <class Bytes>
bool same_prefix(const Bytes& a, const Bytes& b, unsigned bits) {
  for (size_t i = 0; i < a.size() && bits > 0; ++i) {
    const unsigned take = bits >= 8 ? 8 : bits;
    const auto mask = static_cast<uint8_t>(0xFF << (8 - take));
    if ((a[i] & mask) != (b[i] & mask)) return false;
    bits -= take;
  }
  return true;
}

// An IPv4 address mapped into IPv6 (::ffff:a.b.c.d) compares as IPv4.
asio::ip::address unmapped(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  }
  return a;
}

}  // namespace

bool address_list::add(std::string_view entry) {
  const auto slash = entry.find('/');
  boost::system::error_code ec;
  const asio::ip::address network =
      asio::ip::make_address(std::string(entry.substr(0, slash)), ec);
  if (ec) return false;
  const unsigned max_bits = network.is_v4() ? 32 : 128;
  unsigned prefix = max_bits;
  if (slash != std::string_view::npos) {
    const std::string_view bits = entry.substr(slash + 1);
    const auto [end, err] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
    if (err != std::errc{} || end != bits.data() + bits.size() || prefix > max_bits) return false;
  }
  blocks_.push_back({network, prefix});
  return true;
}

std::optional<asio::ip::address> address_list::address_of(std::string_view peer) {
  std::string_view host = peer;
  if (const auto colon = peer.rfind(':'); colon != std::string_view::npos) {
    host = peer.substr(0, colon);
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  boost::system::error_code ec;
  const asio::ip::address a = asio::ip::make_address(std::string(host), ec);
  if (ec) return std::nullopt;
  return unmapped(a);
}

bool address_list::allows(std::string_view peer) const {
  if (blocks_.empty()) return true;
  const auto a = address_of(peer);
  if (!a) return false;
  for (const block& b : blocks_) {
    if (a->is_v4() && b.network.is_v4()) {
      if (same_prefix(a->to_v4().to_bytes(), b.network.to_v4().to_bytes(), b.prefix)) return true;
    } else if (a->is_v6() && b.network.is_v6()) {
      if (same_prefix(a->to_v6().to_bytes(), b.network.to_v6().to_bytes(), b.prefix)) return true;
    }
  }
  return false;
}

}  // namespace berth::auth_acl
