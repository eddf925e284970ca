// A blocking HTTP/1.1 client for tests of berthd's admin listener: one request per connection,
// the whole answer read back.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace berth::test {

struct http_answer {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

struct http_call {
  std::string method = "GET";
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // user:password for an Authorization: Basic header; none when empty.
  std::string basic_auth;
};

// Send `call` to `endpoint` ("127.0.0.1:10980"); nullopt when it cannot connect or the answer
// does not come within `timeout` (the reason on stderr).
std::optional<http_answer> http_request(const std::string& endpoint, const http_call& call,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(5));

inline std::optional<http_answer> http_get(const std::string& endpoint, const std::string& target,
                                           const std::string& basic_auth = {}) {
  http_call call;
  call.target = target;
  call.basic_auth = basic_auth;
  return http_request(endpoint, call);
}

}  // namespace berth::test
