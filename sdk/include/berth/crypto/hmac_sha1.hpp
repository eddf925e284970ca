// berth::crypto::hmac_sha1: the MAC RocketMQ 5 clients sign their gRPC calls with (over the
// x-mq-date-time header; docs/rocketmq-compat.md), checked by the auth plugin.
#pragma once

#include <berth/crypto/hmac.hpp>

namespace berth::crypto {

using hmac_sha1 = hmac<sha1_hash>;

}  // namespace berth::crypto
