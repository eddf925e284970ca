// The native protocol's hot paths, each the function the real code calls:
//   - encode a SEND / SEND_BATCH request as the client does (internal::encode_request: a
//     frame_builder into a new buffer per request);
//   - decode one as the broker does (kernel/protocol/router: decode_header and frame_body,
//     then kernel/produce/send_handler: wire::decode<message or send_batch_request>);
//   - encode a PULL answer as the broker does (kernel/delivery/message_reply: the head, then
//     each stored message's fields into a buffer, bodies left to a gathered write), and
//     decode it as the client does (decode_header, then internal::decode_response).
// Bytes are whole frames (for the gathered encode: the frame on the wire, bodies included);
// items are messages.
#include "wire_samples.hpp"

#include "connection.hpp"  // sdk/client's internal encode_request / decode_response

#include <berth/wire/gather.hpp>

#include <benchmark/benchmark.h>

#include <limits>

namespace berth::bench::micro {
namespace {

constexpr size_t max_length = std::numeric_limits<uint32_t>::max();

void report(benchmark::State& state, size_t frame_bytes, size_t messages) {
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(frame_bytes));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(messages));
}

// Client: one request frame, as producer::send / send_batch make it.
template <class Body>
void encode_request(benchmark::State& state, wire::code code, const Body& body, size_t messages) {
  size_t frame_bytes = 0;
  for (auto _ : state) {
    auto out = client::internal::encode_request(code, body);
    if (!out) {
      state.SkipWithError("encode failed");
      return;
    }
    frame_bytes = out.value().bytes.size();
    benchmark::DoNotOptimize(out.value().bytes.data());
  }
  report(state, frame_bytes, messages);
}

// Broker: a whole request frame as the transport hands it to the router.
template <class Body>
void decode_request(benchmark::State& state, wire::code code, const Body& body, size_t messages) {
  const std::vector<uint8_t> frame = whole_frame(wire::request_header(code, 7), body);
  for (auto _ : state) {
    const wire::header_result h = wire::decode_header(frame, max_length);
    auto decoded = wire::decode<Body>(wire::frame_body(frame, h.header), h.header.code);
    if (!h.ok() || !decoded) {
      state.SkipWithError("decode failed");
      return;
    }
    benchmark::DoNotOptimize(decoded.value());
  }
  report(state, frame.size(), messages);
}

void send_encode(benchmark::State& state) {
  const send_sample s(1, static_cast<size_t>(state.range(0)));
  encode_request(state, wire::code::send, s.one(), 1);
}
void send_decode(benchmark::State& state) {
  const send_sample s(1, static_cast<size_t>(state.range(0)));
  decode_request(state, wire::code::send, s.one(), 1);
}
void send_batch_encode(benchmark::State& state) {
  const send_sample s(static_cast<size_t>(state.range(0)), static_cast<size_t>(state.range(1)));
  encode_request(state, wire::code::send_batch, s.batch(), s.batch().messages.size());
}
void send_batch_decode(benchmark::State& state) {
  const send_sample s(static_cast<size_t>(state.range(0)), static_cast<size_t>(state.range(1)));
  decode_request(state, wire::code::send_batch, s.batch(), s.batch().messages.size());
}

// Broker: the PULL answer's buffer (everything but the bodies) and its gather list.
void pull_answer_encode(benchmark::State& state) {
  const pull_sample s(static_cast<size_t>(state.range(0)), static_cast<size_t>(state.range(1)));
  const wire::frame_header header = wire::response_header(wire::request_header(wire::code::pull, 7));
  size_t wire_bytes = 0;
  for (auto _ : state) {
    std::vector<uint8_t> buffer;
    wire::gather bodies;
    wire::frame_builder b(buffer, header);
    s.answer().encode_gathered(b.body(), bodies);
    const auto in_buffer = b.finish_with_tail(bodies.external_bytes());
    const auto pieces = bodies.pieces(buffer);
    benchmark::DoNotOptimize(pieces.data());
    wire_bytes = in_buffer.size() + bodies.external_bytes();
  }
  report(state, wire_bytes, s.answer().messages.size());
}

// Client: the answer frame as the connection received it.
void pull_answer_decode(benchmark::State& state) {
  const pull_sample s(static_cast<size_t>(state.range(0)), static_cast<size_t>(state.range(1)));
  client::internal::frame f;
  f.bytes = whole_frame(wire::response_header(wire::request_header(wire::code::pull, 7)), s.answer());
  for (auto _ : state) {
    f.header = wire::decode_header(f.bytes, max_length).header;
    auto decoded = client::internal::decode_response<wire::pull_response>(f);
    if (!decoded) {
      state.SkipWithError("decode failed");
      return;
    }
    benchmark::DoNotOptimize(decoded.value());
  }
  report(state, f.bytes.size(), s.answer().messages.size());
}

BENCHMARK(send_encode)->ArgName("body")->Arg(128);
BENCHMARK(send_decode)->ArgName("body")->Arg(128);
BENCHMARK(send_batch_encode)->ArgNames({"msgs", "body"})->Args({32, 128})->Args({32, 1024});
BENCHMARK(send_batch_decode)->ArgNames({"msgs", "body"})->Args({32, 128})->Args({32, 1024});
BENCHMARK(pull_answer_encode)->ArgNames({"msgs", "body"})->Args({32, 128})->Args({32, 1024});
BENCHMARK(pull_answer_decode)->ArgNames({"msgs", "body"})->Args({32, 128})->Args({32, 1024});

}  // namespace
}  // namespace berth::bench::micro
