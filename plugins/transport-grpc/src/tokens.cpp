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
  std::string text = token.native + "." + std::to_string(token.queue_id) + "." +
                     std::to_string(token.queue_offset);
  if (token.from_retry_topic) text += retry_suffix;
  return text;
}

std::optional<receipt_token> decode_receipt(std::string_view text) {
  receipt_token token;
  if (text.ends_with(retry_suffix)) {
    token.from_retry_topic = true;
    text.remove_suffix(retry_suffix.size());
  }
  const auto last = text.rfind('.');
  if (last == std::string_view::npos || last == 0) return std::nullopt;
  const auto middle = text.rfind('.', last - 1);
  if (middle == std::string_view::npos) return std::nullopt;
  const auto number = [](std::string_view digits, auto& out) {
    const auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return !digits.empty() && err == std::errc{} && end == digits.data() + digits.size();
  };
  if (!number(text.substr(middle + 1, last - middle - 1), token.queue_id) ||
      !number(text.substr(last + 1), token.queue_offset)) {
    return std::nullopt;
  }
  text = text.substr(0, middle);
  if (text.empty() || text.size() > max_native_handle || !base64url(text)) return std::nullopt;
  token.native = std::string(text);
  return token;
}

std::string ack_topic(const receipt_token& token, std::string_view topic, std::string_view group) {
  if (!token.from_retry_topic) return std::string(topic);
  return "%RETRY%" + std::string(group);
}

std::string encode_offset_token(const offset_token& token) {
  return std::to_string(token.offset) + ":" + token.id;
}

std::optional<offset_token> decode_offset_token(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return std::nullopt;
  offset_token token;
  const auto [end, err] = std::from_chars(text.data(), text.data() + colon, token.offset);
  if (err != std::errc{} || end != text.data() + colon) return std::nullopt;
  token.id = std::string(text.substr(colon + 1));
  return token;
}

}  // namespace berth::transport_grpc
