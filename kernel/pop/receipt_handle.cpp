#include "pop/receipt_handle.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <optional>
#include <vector>

namespace berth::kernel::pop {
namespace {

constexpr size_t payload_size = 1 + 8 + 4 + 8 + 8 + 8;
constexpr size_t mac_size = 16;
constexpr size_t handle_size = payload_size + mac_size;
constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void put(std::vector<uint8_t>& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

uint64_t get(const uint8_t* in, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= uint64_t{in[i]} << (8 * i);
  return v;
}

std::string base64url(const std::vector<uint8_t>& in) {
  std::string out;
  uint32_t bits = 0;
  int held = 0;
  for (const uint8_t b : in) {
    bits = (bits << 8) | b;
    held += 8;
    while (held >= 6) {
      held -= 6;
      out.push_back(alphabet[(bits >> held) & 63u]);
    }
  }
  if (held > 0) out.push_back(alphabet[(bits << (6 - held)) & 63u]);
  return out;
}

std::optional<std::vector<uint8_t>> from_base64url(std::string_view in) {
  std::vector<uint8_t> out;
  uint32_t bits = 0;
  int held = 0;
  for (const char c : in) {
    const size_t v = alphabet.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    held += 6;
    if (held >= 8) {
      held -= 8;
      out.push_back(static_cast<uint8_t>(bits >> held));
    }
  }
  return out;
}

std::array<uint8_t, 32> mac_of(const secret_key& key, const uint8_t* data, size_t size) {
  std::array<uint8_t, 32> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data, size, mac.data(), &length);
  return mac;
}

}  // namespace

uint64_t scope_of(std::string_view group, std::string_view topic) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a over "group\0topic"
  const auto mix = [&h](std::string_view s) {
    for (const char c : s) {
      h ^= static_cast<uint8_t>(c);
      h *= 1099511628211ull;
    }
  };
  mix(group);
  h ^= 0;
  h *= 1099511628211ull;
  mix(topic);
  return h;
}

std::string handle_codec::encode(const receipt& r) const {
  std::vector<uint8_t> bytes;
  bytes.reserve(handle_size);
  bytes.push_back(version);
  put(bytes, r.scope, 8);
  put(bytes, r.queue, 4);
  put(bytes, r.offset, 8);
  put(bytes, r.nonce, 8);
  put(bytes, static_cast<uint64_t>(r.deadline_ms), 8);
  const auto mac = mac_of(key_, bytes.data(), bytes.size());
  bytes.insert(bytes.end(), mac.begin(), mac.begin() + mac_size);
  return base64url(bytes);
}

std::variant<receipt, std::string> handle_codec::decode(std::string_view handle) const {
  const auto bytes = from_base64url(handle);
  if (!bytes) return std::string("the receipt handle is not base64url text");
  if (bytes->size() != handle_size) {
    return "the receipt handle has " + std::to_string(bytes->size()) + " bytes, not " +
           std::to_string(handle_size) + " (truncated or not a handle)";
  }
  const auto mac = mac_of(key_, bytes->data(), payload_size);
  if (CRYPTO_memcmp(mac.data(), bytes->data() + payload_size, mac_size) != 0) {
    return std::string("the receipt handle does not verify (forged, damaged, or from another "
                       "broker)");
  }
  const uint8_t* p = bytes->data();
  if (p[0] != version) {
    return "the receipt handle has version " + std::to_string(p[0]) + ", not " +
           std::to_string(version);
  }
  receipt r;
  r.scope = get(p + 1, 8);
  r.queue = static_cast<uint32_t>(get(p + 9, 4));
  r.offset = get(p + 13, 8);
  r.nonce = get(p + 21, 8);
  r.deadline_ms = static_cast<int64_t>(get(p + 29, 8));
  return r;
}

}  // namespace berth::kernel::pop
