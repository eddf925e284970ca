// What a request needs to be allowed: the (resource, action) pairs an auth plugin is asked
// about before the request's handler runs (docs/security.md has the table). Resources are
// named by views into the request's body, valid while it is handled.
//
// A group's retry and dead-letter topics (%RETRY%g, %DLQ%g) are the group's: they are checked
// as group g with the same action, as RocketMQ's ACL does.
#pragma once

#include <berth/abi/berth_auth.h>
#include <berth/wire/error.hpp>
#include <berth/wire/frame.hpp>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace berth::kernel::auth {

struct access_check {
  uint32_t resource_type = BERTH_RESOURCE_CLUSTER;  // BERTH_RESOURCE_*
  std::string_view resource;
  uint32_t action = BERTH_ACTION_GET;  // BERTH_ACTION_*

  bool operator==(const access_check&) const = default;
};

// The checks for a request with `code` and this body (without its signature block). A body
// that does not decode is the decoder's error (MALFORMED_REQUEST, naming the field).
[[nodiscard]] wire::decoded<std::vector<access_check>> checks_of(wire::code code,
                                                                 std::span<const uint8_t> body);

[[nodiscard]] std::string_view resource_name(uint32_t resource_type);
[[nodiscard]] std::string_view action_name(uint32_t action);

}  // namespace berth::kernel::auth
