// berth::crypto::hmac<Hash>: HMAC (RFC 2104) with the key's inner and outer states computed
// once, for MACs checked once per request on the hot path: a signature copies the states
// (plain structs) and hashes the message, with no allocation and no lock, so network threads
// never contend. That takes OpenSSL's SHA*_ functions, which OpenSSL 3 marks deprecated in
// favour of EVP; EVP's MAC context must be duplicated (allocated, reference-counted, freed) for
// each message, which measured several times slower under two threads. Header-only; link
// OpenSSL (OpenSSL::Crypto). hmac_sha256.hpp and hmac_sha1.hpp name the two Berth uses.
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

// The hash functions HMAC is built on: a context type, its size, and OpenSSL's three calls.
struct sha256_hash {
  using context = SHA256_CTX;
  static constexpr size_t size = SHA256_DIGEST_LENGTH;
  static void init(context* c) { SHA256_Init(c); }
  static void update(context* c, const void* data, size_t n) { SHA256_Update(c, data, n); }
  static void final(uint8_t* out, context* c) { SHA256_Final(out, c); }
  static void whole(const void* data, size_t n, uint8_t* out) {
    SHA256(static_cast<const unsigned char*>(data), n, out);
  }
};

struct sha1_hash {
  using context = SHA_CTX;
  static constexpr size_t size = SHA_DIGEST_LENGTH;
  static void init(context* c) { SHA1_Init(c); }
  static void update(context* c, const void* data, size_t n) { SHA1_Update(c, data, n); }
  static void final(uint8_t* out, context* c) { SHA1_Final(out, c); }
  static void whole(const void* data, size_t n, uint8_t* out) {
    SHA1(static_cast<const unsigned char*>(data), n, out);
  }
};

template <class Hash>
class hmac {
 public:
  using mac = std::array<uint8_t, Hash::size>;

  explicit hmac(std::string_view key) {
    std::array<uint8_t, block> k{};
    if (key.size() > block) {
      Hash::whole(key.data(), key.size(), k.data());
    } else {
      for (size_t i = 0; i < key.size(); ++i) k[i] = static_cast<uint8_t>(key[i]);
    }
    std::array<uint8_t, block> pad{};
    for (size_t i = 0; i < block; ++i) pad[i] = k[i] ^ 0x36;
    Hash::init(&inner_);
    Hash::update(&inner_, pad.data(), pad.size());
    for (size_t i = 0; i < block; ++i) pad[i] = k[i] ^ 0x5c;
    Hash::init(&outer_);
    Hash::update(&outer_, pad.data(), pad.size());
    OPENSSL_cleanse(k.data(), k.size());
    OPENSSL_cleanse(pad.data(), pad.size());
  }
  ~hmac() {
    OPENSSL_cleanse(&inner_, sizeof inner_);
    OPENSSL_cleanse(&outer_, sizeof outer_);
  }
  hmac(const hmac&) = delete;
  hmac& operator=(const hmac&) = delete;

  // The MAC of the parts, one after another. Any thread, concurrently.
  [[nodiscard]] mac sign(std::initializer_list<std::span<const uint8_t>> parts) const {
    typename Hash::context ctx = inner_;
    for (const auto& part : parts) Hash::update(&ctx, part.data(), part.size());
    mac inner_hash{};
    Hash::final(inner_hash.data(), &ctx);
    ctx = outer_;
    Hash::update(&ctx, inner_hash.data(), inner_hash.size());
    mac out{};
    Hash::final(out.data(), &ctx);
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
  static constexpr size_t block = 64;  // the block size of SHA-1 and SHA-256
  typename Hash::context inner_{};     // after (key ^ ipad)
  typename Hash::context outer_{};     // after (key ^ opad)
};

}  // namespace berth::crypto
