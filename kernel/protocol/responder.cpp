#include "protocol/responder.hpp"

namespace berth::kernel::protocol {

void responder::ok() const {
  if (request_.oneway()) return;
  std::vector<uint8_t> frame;
  wire::frame_builder b(frame, wire::response_header(request_));
  (void)b.finish();
  to_->send(std::move(frame));
}

void responder::fail(wire::status status, std::string_view message) const {
  if (request_.oneway()) return;
  std::vector<uint8_t> frame;
  wire::frame_builder b(frame, wire::response_header(request_, status));
  b.body().text(message);
  (void)b.finish();
  to_->send(std::move(frame));
}

std::vector<uint8_t> error_frame(wire::status status, std::string_view message) {
  wire::frame_header h;
  h.kind = wire::kind::response;
  h.code = wire::code{0};  // answers no request: code 0, request id 0 (docs/protocol.md)
  h.status = status;
  std::vector<uint8_t> frame;
  wire::frame_builder b(frame, h);
  b.body().text(message);
  (void)b.finish();
  return frame;
}

}  // namespace berth::kernel::protocol
