// From a frame to its handler: the header is checked (magic, version, kind, length), the code
// looked up, and every refusal answered with its specific status. Only garbage closes the
// connection; an unknown code or version is answered and the connection stays open.
#pragma once

#include "protocol/connection.hpp"
#include "protocol/responder.hpp"

#include <berth/wire/codes.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <span>

namespace berth::kernel::protocol {

// A request as a handler sees it: the body is valid during the call only.
struct request {
  wire::frame_header header;
  std::span<const uint8_t> body;
};

using handler = std::function<void(const request&, const responder&)>;
// Runs before every handler: true to go on (it may narrow req.body, e.g. to take off a
// signature block); false when it refused the request and answered it.
using gate = std::function<bool(const connection_ptr&, request&, const responder&)>;

class router {
 public:
  // Register the handler of a request code (at setup, before any frame arrives).
  void add(wire::code code, handler h);
  // The gate every request passes (authentication and authorization); at setup.
  void set_gate(gate g);
  // One whole frame from `from`. Never throws: a handler's exception is answered INTERNAL.
  void route(const connection_ptr& from, std::span<const uint8_t> frame) const noexcept;

 private:
  std::map<wire::code, handler> handlers_;
  gate gate_;
};

}  // namespace berth::kernel::protocol
