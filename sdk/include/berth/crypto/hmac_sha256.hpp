// berth::crypto::hmac_sha256: the MAC of signed requests (docs/protocol.md, "Signed requests"),
// for the client that signs and the auth plugin that checks, once per request on the hot path.
//
// HMAC (RFC 2104) over SHA-256, with the key's inner and outer states computed once: a
// signature copies them (plain structs) and hashes the message, with no allocation and no
// lock, so network threads never contend. That takes OpenSSL's SHA256_* functions, which
// OpenSSL 3 marks deprecated in favour of EVP; EVP's MAC context must be duplicated (allocated,
// reference-counted, freed) for each message, which measured several times slower under two
// threads. Header-only; link OpenSSL (OpenSSL::Crypto).
#pragma once

#ifndef OPENSSL_SUPPRESS_DEPRECATED
#define OPENSSL_SUPPRESS_DEPRECATED
#endif
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

namespace berth::crypto {

using mac = std::array<uint8_t, 32>;

class hmac_sha256 {
 public:
  explicit hmac_sha256(std::string_view key) {
    std::array<uint8_t, block> k{};
    if (key.size() > block) {
      SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), k.data());
    } else {
      for (size_t i = 0; i < key.size(); ++i) k[i] = static_cast<uint8_t>(key[i]);
    }
    std::array<uint8_t, block> pad{};
    for (size_t i = 0; i < block; ++i) pad[i] = k[i] ^ 0x36;
    SHA256_Init(&inner_);
    SHA256_Update(&inner_, pad.data(), pad.size());
    for (size_t i = 0; i < block; ++i) pad[i] = k[i] ^ 0x5c;
    SHA256_Init(&outer_);
    SHA256_Update(&outer_, pad.data(), pad.size());
    OPENSSL_cleanse(k.data(), k.size());
    OPENSSL_cleanse(pad.data(), pad.size());
  }
  ~hmac_sha256() {
    OPENSSL_cleanse(&inner_, sizeof inner_);
    OPENSSL_cleanse(&outer_, sizeof outer_);
  }
  hmac_sha256(const hmac_sha256&) = delete;
  hmac_sha256& operator=(const hmac_sha256&) = delete;

  // The MAC of the parts, one after another. Any thread, concurrently.
  [[nodiscard]] mac sign(std::initializer_list<std::span<const uint8_t>> parts) const {
    SHA256_CTX ctx = inner_;
    for (const auto& part : parts) SHA256_Update(&ctx, part.data(), part.size());
    mac inner_hash{};
    SHA256_Final(inner_hash.data(), &ctx);
    ctx = outer_;
    SHA256_Update(&ctx, inner_hash.data(), inner_hash.size());
    mac out{};
    SHA256_Final(out.data(), &ctx);
    return out;
  }

  // Whether `claimed` is the MAC of the parts; in constant time.
  [[nodiscard]] bool verify(std::span<const uint8_t> claimed,
                            std::initializer_list<std::span<const uint8_t>> parts) const {
    const mac expected = sign(parts);
    return claimed.size() == expected.size() &&
           CRYPTO_memcmp(claimed.data(), expected.data(), expected.size()) == 0;
  }

 private:
  static constexpr size_t block = 64;  // SHA-256's block size
  SHA256_CTX inner_{};                 // after (key ^ ipad)
  SHA256_CTX outer_{};                 // after (key ^ opad)
};

}  // namespace berth::crypto
