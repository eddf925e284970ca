// Fuzzes the native protocol codec (sdk/include/berth/wire), which every transport runs on
// bytes from the network:
//   - the header checks classify any bytes (need more, malformed, too large, unsupported
//     version, ok) consistently with them, and an ok header re-encodes to the same 24 bytes;
//   - the body for the frame's kind, code and status (as much of it as the input holds)
//     decodes or is refused with a message naming the field, never reading out of bounds;
//     what decodes re-encodes to the bytes it was read from (plus defaults filled in), into a
//     frame that decodes to the same value, and the gathered encoding sends the same bytes.
#include <berth/wire/wire.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace wire = berth::wire;

namespace {

constexpr size_t max_length = size_t{1} << 20;

void check(bool ok) {
  if (!ok) std::abort();
}

template <class T>
void round_trip(std::span<const uint8_t> body, const wire::frame_header& h) {
  wire::reader r(body, h.code, h.kind);
  wire::decoded<T> d = wire::decode<T>(r);
  if (!d) {
    check(d.error().status == wire::status::malformed_request);
    check(d.error().message.find(": field '") != std::string::npos);
    return;
  }
  const std::span<const uint8_t> consumed = body.first(body.size() - r.remaining());

  std::vector<uint8_t> frame;
  wire::frame_builder b(frame, h);
  d->encode(b.body());
  (void)b.finish();
  const wire::header_result again = wire::decode_header(frame, std::numeric_limits<size_t>::max());
  check(again.ok() && again.header.frame_size() == frame.size());
  wire::frame_header expected = h;
  expected.length = again.header.length;
  check(again.header == expected);

  // Field for field the same bytes; only a defaulted trailing field may add some.
  const std::span<const uint8_t> body2 = wire::frame_body(frame, again.header);
  check(body2.size() >= consumed.size() &&
        std::equal(consumed.begin(), consumed.end(), body2.begin()));
  wire::reader r2(body2, h.code, h.kind);
  wire::decoded<T> d2 = wire::decode<T>(r2);
  check(d2.ok() && r2.at_end() && *d2 == *d);

  if constexpr (requires(const T& v, wire::writer& w, wire::gather& g) {
                  v.encode_gathered(w, g);
                }) {
    std::vector<uint8_t> buffer;
    wire::gather g;
    wire::frame_builder gb(buffer, h);
    d->encode_gathered(gb.body(), g);
    (void)gb.finish_with_tail(g.external_bytes());
    std::vector<uint8_t> sent;
    for (const std::span<const uint8_t> piece : g.pieces(buffer)) {
      check(!piece.empty());
      sent.insert(sent.end(), piece.begin(), piece.end());
    }
    check(sent == frame);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> in(data, size);
  const wire::header_result h = wire::decode_header(in, max_length);
  switch (h.state) {
    case wire::header_state::need_more: check(size < h.needed); return 0;
    case wire::header_state::malformed:
      check(h.answer() == wire::status::malformed_frame && !h.reason.empty());
      return 0;
    case wire::header_state::too_large:
      check(h.header.length > max_length && size >= wire::length_size);
      return 0;
    case wire::header_state::unsupported_version:
      check(h.header.version != wire::protocol_version && size >= wire::header_size);
      return 0;
    case wire::header_state::ok: break;
  }
  check(size >= wire::header_size && h.header.length >= wire::min_length);
  const auto header = wire::encode_header(h.header);
  check(std::equal(header.begin(), header.end(), in.begin()));

  // The body, or as much of it as arrived: cut bodies are explored too.
  const size_t available = std::min(h.header.body_size(), size - wire::header_size);
  std::span<const uint8_t> body = in.subspan(wire::header_size, available);
  // A signed request: its signature block first, the code's own fields after it.
  if (h.header.kind == wire::kind::request && h.header.is_signed()) {
    const wire::decoded<wire::signed_body> s = wire::split_signed(body, h.header.code);
    if (!s) {
      check(s.error().status == wire::status::malformed_request);
      check(s.error().message.find(": field '") != std::string::npos);
      return 0;
    }
    check(s->block.signature.size() == wire::signature_size);
    check(s->block.wire_size() + s->rest.size() == body.size());
    body = s->rest;
  }
  wire::visit_body_type(h.header,
                        [&]<class T>(std::type_identity<T>) { round_trip<T>(body, h.header); });
  return 0;
}
