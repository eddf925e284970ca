#include "call_credentials.hpp"

#include <charconv>
#include <ctime>

namespace berth::transport_grpc {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<std::vector<uint8_t>> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::vector<uint8_t> out(hex.size() / 2);
  const auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = digit(hex[2 * i]);
    const int lo = digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return out;
}

constexpr std::string_view algorithm = "MQv2-HMAC-SHA1";

}  // namespace

berth_credentials call_credentials::abi() const {
  berth_credentials c{};
  c.struct_size = sizeof c;
  c.access_key = berth_str{access_key.data(), access_key.size()};
  c.signature = berth_bytes{signature.data(), signature.size()};
  c.signed_content =
      berth_bytes{reinterpret_cast<const uint8_t*>(date_time.data()), date_time.size()};
  c.timestamp_ms = timestamp_ms;
  c.scheme = BERTH_SCHEME_ROCKETMQ_V2;
  return c;
}

std::optional<int64_t> parse_date_time(std::string_view t) {
  // yyyyMMdd'T'HHmmss'Z'
  if (t.size() != 16 || t[8] != 'T' || t[15] != 'Z') return std::nullopt;
  const auto number = [&](size_t at, size_t n, int& out) {
    const auto [end, err] = std::from_chars(t.data() + at, t.data() + at + n, out);
    return err == std::errc{} && end == t.data() + at + n;
  };
  std::tm tm{};
  int year = 0, month = 0;
  if (!number(0, 4, year) || !number(4, 2, month) || !number(6, 2, tm.tm_mday) ||
      !number(9, 2, tm.tm_hour) || !number(11, 2, tm.tm_min) || !number(13, 2, tm.tm_sec)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 60) {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

std::variant<std::monostate, call_credentials, std::string> parse_call_credentials(
    std::optional<std::string_view> authorization, std::optional<std::string_view> date_time) {
  if (!authorization) return std::monostate{};
  std::string_view text = trim(*authorization);
  const auto space = text.find(' ');
  if (space == std::string_view::npos || text.substr(0, space) != algorithm) {
    return std::string("the authorization header does not start with ") + std::string(algorithm);
  }
  call_credentials out;
  std::string_view items = text.substr(space + 1);
  while (!items.empty()) {
    const auto comma = items.find(',');
    const std::string_view item = trim(items.substr(0, comma));
    items = comma == std::string_view::npos ? std::string_view() : items.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = trim(item.substr(0, eq));
    const std::string_view value = trim(item.substr(eq + 1));
    if (name == "Credential") {
      out.access_key = std::string(value.substr(0, value.find('/')));  // scoped: the key first
    } else if (name == "Signature") {
      auto bytes = from_hex(value);
      if (!bytes) return std::string("the authorization header's Signature is not hex");
      out.signature = std::move(*bytes);
    }
  }
  if (out.access_key.empty()) return std::string("the authorization header has no Credential");
  if (out.signature.empty()) return std::string("the authorization header has no Signature");
  if (!date_time) return std::string("a signed call needs the x-mq-date-time header");
  const auto at = parse_date_time(*date_time);
  if (!at) return std::string("x-mq-date-time '") + std::string(date_time->substr(0, 32)) +
                  "' is not yyyyMMddTHHmmssZ";
  out.date_time = std::string(*date_time);
  out.timestamp_ms = *at;
  return out;
}

}  // namespace berth::transport_grpc
