// RocketMQ 5 status codes for the kernel's native statuses, and the Status messages built from
// them. Business errors travel inside responses (gRPC status OK), as the clients expect.
#pragma once

#include <apache/rocketmq/v2/definition.pb.h>

#include <berth/wire/codes.hpp>

#include <string>

namespace berth::transport_grpc {

namespace v2 = apache::rocketmq::v2;

// The code a RocketMQ client understands for a native status (section 3 of GRPC-COMPAT.md).
v2::Code code_of(wire::status status);

void set_status(v2::Status* out, v2::Code code, const std::string& message);
void set_ok(v2::Status* out);

}  // namespace berth::transport_grpc
