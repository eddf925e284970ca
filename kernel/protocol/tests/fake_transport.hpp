// A transport as the kernel sees it, for tests: berth_conn_ops that record every frame sent
// and every close asked for.
#pragma once

#include <berth/abi/berth_conn.h>
#include <berth/wire/bodies.hpp>
#include <berth/wire/frame.hpp>
#include <berth/wire/reader.hpp>
#include <berth/wire/writer.hpp>

#include <mutex>
#include <string>
#include <vector>

namespace berth::kernel::protocol::test {

struct fake_transport {
  std::mutex mutex;
  std::vector<std::vector<uint8_t>> sent;
  std::vector<std::string> closes;
  int released = 0;
  berth_conn_ops ops{sizeof(berth_conn_ops), &send, &close};

  static void send(void* arg, const berth_iovec* parts, uint32_t count, berth_release_fn release,
                   void* release_arg) {
    auto* self = static_cast<fake_transport*>(arg);
    std::vector<uint8_t> frame;
    for (uint32_t i = 0; i < count; ++i) {
      const auto* p = static_cast<const uint8_t*>(parts[i].base);
      frame.insert(frame.end(), p, p + parts[i].len);
    }
    {
      std::lock_guard lock(self->mutex);
      self->sent.push_back(std::move(frame));
      ++self->released;
    }
    if (release != nullptr) release(release_arg);
  }
  static void close(void* arg, berth_str reason) {
    auto* self = static_cast<fake_transport*>(arg);
    std::lock_guard lock(self->mutex);
    self->closes.emplace_back(reason.ptr, reason.len);
  }

  static berth_conn_info info() {
    berth_conn_info i{};
    i.struct_size = sizeof i;
    i.peer = {"127.0.0.1:5000", 14};
    i.local = {"127.0.0.1:10911", 15};
    i.max_frame_size = 1 << 20;
    return i;
  }
};

// A request frame with `body` encoded.
template <class Body>
std::vector<uint8_t> request_frame(wire::code code, uint64_t id, const Body& body,
                                   uint32_t flags = 0) {
  std::vector<uint8_t> out;
  wire::frame_builder b(out, wire::request_header(code, id, flags));
  body.encode(b.body());
  (void)b.finish();
  return out;
}

inline wire::frame_header header_of(const std::vector<uint8_t>& frame) {
  return wire::decode_header(frame, 1u << 30).header;
}

// The text of an error response.
inline std::string error_text(const std::vector<uint8_t>& frame) {
  const wire::frame_header h = header_of(frame);
  wire::reader r(wire::frame_body(frame, h), h.code, wire::kind::response);
  return std::string(r.text("message"));
}

}  // namespace berth::kernel::protocol::test
