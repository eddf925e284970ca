// berth::crypto::hmac_sha256: the MAC of signed requests (docs/protocol.md, "Signed requests"),
// for the client that signs and the auth plugin that checks (hmac.hpp says how).
#pragma once

#include <berth/crypto/hmac.hpp>

namespace berth::crypto {

using hmac_sha256 = hmac<sha256_hash>;
using mac = hmac_sha256::mac;

}  // namespace berth::crypto
