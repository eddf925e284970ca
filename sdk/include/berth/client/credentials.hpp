// An account's credentials, for brokers with an auth plugin (docs/security.md). With them the
// client signs every request (HMAC-SHA256 with the secret key, over the request, the time and
// the connection's nonce); the secret itself never crosses the network.
#pragma once

#include <string>

namespace berth::client {

struct credentials {
  std::string access_key;  // names the account
  std::string secret_key;  // signs; keep it out of logs and command lines (use the environment)

  [[nodiscard]] bool empty() const noexcept { return access_key.empty() && secret_key.empty(); }
};

}  // namespace berth::client
