// The frame a transport sends for input the kernel never sees (garbage, a frame too large, a
// plaintext client on a TLS port): a response to no request (code 0, request id 0; see
// docs/protocol.md) carrying a status and the reason as text.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace berth::transport_tcp {

std::vector<uint8_t> refusal_frame(uint16_t status, std::string_view reason);

}  // namespace berth::transport_tcp
