#include "protocol/router.hpp"

#include "log/logger.hpp"

#include <limits>
#include <string>

namespace berth::kernel::protocol {

namespace {

log::logger_ptr logger() { return log::module("protocol"); }

void refuse_garbage(const connection_ptr& from, wire::status status, const std::string& reason) {
  logger()->warn("connection {} from {}: {}; closing it", from->transport_id(), from->peer(), reason);
  from->send(error_frame(status, reason));
  from->close(reason);
}

}  // namespace

void router::add(wire::code code, handler h) { handlers_[code] = std::move(h); }

void router::set_gate(gate g) { gate_ = std::move(g); }

void router::route(const connection_ptr& from, std::span<const uint8_t> frame) const noexcept {
  try {
    const wire::header_result r = wire::decode_header(frame, std::numeric_limits<uint32_t>::max());
    if (r.state == wire::header_state::malformed || r.state == wire::header_state::too_large) {
      refuse_garbage(from, r.answer(), r.reason);
      return;
    }
    // Transports pass whole frames; anything else is a transport bug, answered as garbage.
    if (r.state == wire::header_state::need_more || frame.size() != r.header.frame_size()) {
      refuse_garbage(from, wire::status::malformed_frame,
                     "frame of " + std::to_string(frame.size()) +
                         " bytes does not match its length field");
      return;
    }
    const responder answer(from, r.header);
    if (r.state == wire::header_state::unsupported_version) {
      if (r.header.oneway()) return;
      std::vector<uint8_t> out;
      wire::frame_header h = wire::response_header(r.header, wire::status::unsupported_version);
      wire::frame_builder b(out, h);
      b.body().text(r.reason);
      b.body().u8(wire::protocol_version);
      (void)b.finish();
      from->send(std::move(out));
      return;
    }
    if (r.header.kind != wire::kind::request) {
      answer.fail(wire::status::invalid_argument,
                  "a client sends requests only; this frame is a " +
                      std::string(wire::name(r.header.kind)));
      return;
    }
    const auto found = handlers_.find(r.header.code);
    if (found == handlers_.end()) {
      answer.fail(wire::status::unknown_code,
                  "request code " + std::to_string(static_cast<unsigned>(r.header.code)) +
                      " is not one this broker serves");
      return;
    }
    try {
      request req{r.header, wire::frame_body(frame, r.header)};
      if (gate_ && !gate_(from, req, answer)) return;
      found->second(req, answer);
    } catch (const std::exception& e) {
      logger()->error("{} from {}: {}", wire::name(r.header.code), from->peer(), e.what());
      answer.fail(wire::status::internal, e.what());
    }
  } catch (const std::exception& e) {
    logger()->error("routing a frame from {}: {}", from->peer(), e.what());
  } catch (...) {
    logger()->error("routing a frame from {}: unknown exception", from->peer());
  }
}

}  // namespace berth::kernel::protocol
