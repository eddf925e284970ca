// Signs request frames for a broker that requires it (docs/protocol.md, "Signed requests"):
// the frame gains flag_signed and, before its body, the access key, the signing time and the
// HMAC-SHA256 of the signed prefix and the body.
#pragma once

#include <berth/client/credentials.hpp>
#include <berth/client/error.hpp>
#include <berth/crypto/hmac_sha256.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace berth::client::internal {

class request_signer {
 public:
  // errc::invalid_argument when the credentials cannot sign (no key, one part missing).
  static result<std::unique_ptr<request_signer>> make(const credentials& c);

  // Bytes a signature adds to a frame.
  [[nodiscard]] size_t overhead() const noexcept;
  // Append `frame` (one whole request) to `out`, signed at `now_ms` for the connection whose
  // HELLO gave `nonce`.
  void append_signed(std::span<const uint8_t> frame, std::span<const uint8_t> nonce,
                     int64_t now_ms, std::vector<uint8_t>& out) const;

 private:
  request_signer(std::string access_key, const std::string& secret_key);

  std::string access_key_;
  crypto::hmac_sha256 hmac_;
};

}  // namespace berth::client::internal
