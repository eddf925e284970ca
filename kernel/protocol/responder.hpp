// Answers one request, at most once, from any thread and at any later time: a handler keeps a
// copy for work that finishes later (an append waiting for its sync, a long poll). Oneway
// requests get no answer, not even an error.
#pragma once

#include "protocol/connection.hpp"

#include <berth/wire/frame.hpp>
#include <berth/wire/writer.hpp>

#include <cstdint>
#include <string_view>
#include <vector>

namespace berth::kernel::protocol {

class responder {
 public:
  responder(connection_ptr to, const wire::frame_header& request)
      : to_(std::move(to)), request_(request) {}

  // OK with `body` (anything with encode(wire::writer&)).
  template <class Body>
  void ok(const Body& body) const {
    if (request_.oneway()) return;
    std::vector<uint8_t> frame;
    wire::frame_builder b(frame, wire::response_header(request_));
    body.encode(b.body());
    (void)b.finish();
    to_->send(std::move(frame));
  }
  // OK with an empty body.
  void ok() const;
  // An error status with its message (the body of every error response).
  void fail(wire::status status, std::string_view message) const;

  [[nodiscard]] const connection_ptr& connection() const noexcept { return to_; }
  [[nodiscard]] const wire::frame_header& request() const noexcept { return request_; }

 private:
  connection_ptr to_;
  wire::frame_header request_;
};

// A push frame (server to client, request id 0) with `body`.
template <class Body>
std::vector<uint8_t> push_frame(wire::code code, const Body& body) {
  std::vector<uint8_t> frame;
  wire::frame_builder b(frame, wire::push_header(code));
  body.encode(b.body());
  (void)b.finish();
  return frame;
}

// An error frame that answers no particular request (request id 0), e.g. for garbage.
std::vector<uint8_t> error_frame(wire::status status, std::string_view message);

}  // namespace berth::kernel::protocol
