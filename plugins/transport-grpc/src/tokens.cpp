#include "tokens.hpp"

#include <algorithm>
#include <charconv>

namespace berth::transport_grpc {
namespace {

constexpr std::string_view retry_suffix = "~r";
constexpr size_t max_native_handle = 256;

bool base64url(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
  });
}

}  // namespace

std::string encode_receipt(const receipt_token& token) {
  return token.from_retry_topic ? token.native + std::string(retry_suffix) : token.native;
}

std::optional<receipt_token> decode_receipt(std::string_view text) {
  receipt_token token;
  if (text.ends_with(retry_suffix)) {
    token.from_retry_topic = true;
    text.remove_suffix(retry_suffix.size());
  }
  if (text.empty() || text.size() > max_native_handle || !base64url(text)) return std::nullopt;
  token.native = std::string(text);
  return token;
}

std::string ack_topic(const receipt_token& token, std::string_view topic, std::string_view group) {
  if (!token.from_retry_topic) return std::string(topic);
  return "%RETRY%" + std::string(group);
}

std::string encode_transaction(const transaction_token& token) {
  return std::to_string(token.half_offset) + ":" + token.native;
}

std::optional<transaction_token> decode_transaction(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return std::nullopt;
  transaction_token token;
  const auto [end, err] = std::from_chars(text.data(), text.data() + colon, token.half_offset);
  if (err != std::errc{} || end != text.data() + colon) return std::nullopt;
  token.native = std::string(text.substr(colon + 1));
  return token;
}

}  // namespace berth::transport_grpc
