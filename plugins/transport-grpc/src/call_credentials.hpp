// What a RocketMQ 5 client signs each call with: the `authorization` header
//   MQv2-HMAC-SHA1 Credential=<access key>, SignedHeaders=x-mq-date-time, Signature=<hex>
// whose signature is HMAC-SHA1 under the secret key over the `x-mq-date-time` header
// ("20240913T063059Z"). Parsed here; checked by the auth plugin (BERTH_SCHEME_ROCKETMQ_V2).
#pragma once

#include <berth/abi/berth_auth.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace berth::transport_grpc {

struct call_credentials {
  std::string access_key;
  std::vector<uint8_t> signature;
  std::string date_time;  // the signed header's value
  int64_t timestamp_ms = 0;

  // The ABI view; valid while this object lives.
  [[nodiscard]] berth_credentials abi() const;
};

// nullopt: the call carries no `authorization` header (anonymous). A string: why the header
// is not one a RocketMQ client sends.
std::variant<std::monostate, call_credentials, std::string> parse_call_credentials(
    std::optional<std::string_view> authorization, std::optional<std::string_view> date_time);

// "20240913T063059Z" as Unix milliseconds; nullopt when it is not that shape.
std::optional<int64_t> parse_date_time(std::string_view text);

}  // namespace berth::transport_grpc
