// The parts of an HTTP request the admin API reads: the path and query of its target
// (percent-decoded), and the credentials of an `Authorization: Basic` header.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace berth::kernel::admin {

struct http_target {
  std::string path;                           // decoded, e.g. "/api/v1/topics/%RETRY%g"
  std::map<std::string, std::string> query;   // decoded; a repeated name keeps the last
};

// Nullopt for a target that is not origin-form ("/...") or has a bad %-escape.
[[nodiscard]] std::optional<http_target> parse_target(std::string_view target);

struct basic_credentials {
  std::string user;      // the access key
  std::string password;  // the secret key
};

// Nullopt when the header is not "Basic <base64 of user:password>".
[[nodiscard]] std::optional<basic_credentials> parse_basic_authorization(std::string_view header);

}  // namespace berth::kernel::admin
