// Frames sent with one gathered write (writev): the encoded buffer holds everything but the
// message bodies, which stay where they are (the store's mapped file) and go on the wire
// between the buffer's slices. Encoders record each body with add() right after writing its
// length; pieces() then lists buffer slices and bodies in wire order, ready for iovecs.
#pragma once

#include <berth/wire/field.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace berth::wire {

class gather {
 public:
  // `external` goes on the wire after the buffer's first `buffer_end` bytes (positions are
  // offsets into the writer's whole buffer: writer::size() at the time of the call).
  void add(size_t buffer_end, bytes_view external) {
    if (external.empty()) return;
    cuts_.push_back(cut{buffer_end, external});
    external_bytes_ += external.size();
  }

  // The bytes outside the buffer, for frame_builder::finish_with_tail().
  [[nodiscard]] size_t external_bytes() const noexcept { return external_bytes_; }
  [[nodiscard]] bool empty() const noexcept { return cuts_.empty(); }
  void clear() noexcept {
    cuts_.clear();
    external_bytes_ = 0;
  }

  // The pieces in wire order over `buffer` (the writer's buffer, complete): slices of it
  // interleaved with the external bytes; empty slices are left out.
  [[nodiscard]] std::vector<std::span<const uint8_t>> pieces(
      std::span<const uint8_t> buffer) const {
    std::vector<std::span<const uint8_t>> out;
    out.reserve(cuts_.size() * 2 + 1);
    size_t at = 0;
    for (const cut& c : cuts_) {
      if (c.buffer_end > at) out.push_back(buffer.subspan(at, c.buffer_end - at));
      out.push_back(c.external);
      at = c.buffer_end;
    }
    if (buffer.size() > at) out.push_back(buffer.subspan(at));
    return out;
  }

 private:
  struct cut {
    size_t buffer_end;
    std::span<const uint8_t> external;
  };
  std::vector<cut> cuts_;
  size_t external_bytes_ = 0;
};

}  // namespace berth::wire
