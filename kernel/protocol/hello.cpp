#include "protocol/hello.hpp"

#include <berth/wire/bodies.hpp>
#include <berth/wire/reader.hpp>

#include <algorithm>
#include <limits>

namespace berth::kernel::protocol {

handler hello_handler(broker_identity identity, client_directory& clients) {
  return [identity = std::move(identity), &clients](const request& req, const responder& answer) {
    auto hello = wire::decode<wire::hello_request>(req.body, req.header.code);
    if (!hello) {
      answer.fail(hello.error().status, hello.error().message);
      return;
    }
    if (hello->max_version < wire::protocol_version) {
      answer.fail(wire::status::unsupported_version,
                  "the client speaks up to version " + std::to_string(hello->max_version) +
                      ", this broker version " + std::to_string(wire::protocol_version));
      return;
    }
    clients.announce(answer.connection(), std::string(hello->client_id));
    wire::hello_response out;
    out.broker_name = identity.name;
    out.broker_version = identity.version;
    out.version = wire::protocol_version;
    out.max_frame_size = static_cast<uint32_t>(std::min<uint64_t>(
        answer.connection()->max_frame_size(), std::numeric_limits<uint32_t>::max()));
    out.max_message_size = identity.max_message_size;
    out.auth_required = identity.auth_required;
    out.auth_nonce = answer.connection()->auth_nonce();
    answer.ok(out);
  };
}

}  // namespace berth::kernel::protocol
