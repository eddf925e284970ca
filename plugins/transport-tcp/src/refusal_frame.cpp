#include "refusal_frame.hpp"

#include <berth/wire/frame.hpp>
#include <berth/wire/writer.hpp>

namespace berth::transport_tcp {

std::vector<uint8_t> refusal_frame(uint16_t status, std::string_view reason) {
  wire::frame_header h;
  h.kind = wire::kind::response;
  h.code = wire::code{0};
  h.status = static_cast<wire::status>(status);
  std::vector<uint8_t> bytes;
  wire::frame_builder frame(bytes, h);
  frame.body().text(reason);
  (void)frame.finish();
  return bytes;
}

}  // namespace berth::transport_tcp
