// One connection to a broker, shared by nothing: every producer, consumer and admin object
// owns one. It runs an Asio io_context on a background thread ("the I/O thread") and gives
// the objects above it pipelined requests with deadlines, pushes, and reconnection.
//
//   - connect to "host:port", send HELLO first, remember the broker's limits;
//   - requests get a request id; their responses complete callbacks from a pending map, in
//     whatever order they come; each request has a deadline (errc::timeout);
//   - one async_write at a time: frames wait in a queue and go out in batches;
//   - the length of an incoming frame is checked from its first 4 bytes before its buffer is
//     allocated;
//   - pushes (GROUP_CHANGED, REPLY) go to the registered push handler;
//   - when the socket fails, every request already written fails with connection_lost and the
//     connection reconnects with backoff (100 ms doubling up to 2 s) until shut down; requests
//     made meanwhile wait for the reconnect, up to their own deadline. The connected handler
//     runs after every successful HELLO, so that consumers can register again.
//
// Threads: every callback and handler runs on the I/O thread (or, for errc::closed after
// shutdown, on the thread calling shutdown()); keep them short. Public methods may be called
// from any thread; the blocking request() refuses to run on the I/O thread.
#pragma once

#include <berth/client/credentials.hpp>
#include <berth/client/error.hpp>
#include <berth/client/tls.hpp>
#include <berth/wire/bodies.hpp>
#include <berth/wire/frame.hpp>
#include <berth/wire/writer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace berth::client::internal {

// A whole frame as it came in, owning its bytes.
struct frame {
  wire::frame_header header;
  std::vector<uint8_t> bytes;

  [[nodiscard]] std::span<const uint8_t> body() const noexcept {
    return wire::frame_body(bytes, header);
  }
};

// An encoded request whose request id the connection fills in.
struct outgoing {
  wire::code code = wire::code::hello;
  std::vector<uint8_t> bytes;
  size_t largest_body = 0;  // the largest message body inside (checked against the limit)
};

template <class Body>
[[nodiscard]] result<outgoing> encode_request(wire::code c, const Body& body,
                                              size_t largest_body = 0) {
  outgoing out;
  out.code = c;
  out.largest_body = largest_body;
  try {
    wire::frame_builder b(out.bytes, wire::request_header(c, 0));
    body.encode(b.body());
    (void)b.finish();
  } catch (const wire::encode_error& e) {
    return failure(errc::invalid_argument, std::string(wire::name(c)) + ": " + e.what());
  }
  return out;
}

// The body of an ok response, as views into `f` (keep it alive while they are used).
template <class T>
[[nodiscard]] result<T> decode_response(const frame& f) {
  auto d = wire::decode<T>(f.body(), f.header.code, wire::kind::response);
  if (!d) return failure(errc::protocol, d.error().message);
  return std::move(d).value();
}

using response_callback = std::function<void(result<frame>)>;
using push_handler = std::function<void(const frame&)>;
using connected_handler = std::function<void(bool reconnect)>;

struct connection_options {
  std::string endpoint;                               // "host:port", "[v6]:port"
  std::string client_id;                              // announced in HELLO
  std::chrono::milliseconds handshake_timeout{3000};  // connect + TLS handshake + HELLO
  tls_options tls;
  client::credentials credentials;  // sign every request but HELLO when set
  size_t max_message_size = 0;  // a request's largest body must fit; 0: the broker's limit
  std::string limit_source = "the broker's limit, from HELLO";  // names a non-zero limit
};

// The options every client starts from, taken from its own options: `endpoint`, `client_id`
// (a default one when empty, written back so that the client knows its own id), the request
// timeout as the handshake timeout, and TLS.
connection_options options_for(const std::string& endpoint, std::string& client_id,
                               std::chrono::milliseconds handshake_timeout,
                               const tls_options& tls, const credentials& creds);
template <class ClientOptions>
connection_options options_for(ClientOptions& o) {
  return options_for(o.endpoint, o.client_id, o.request_timeout, o.tls, o.credentials);
}

// "host:port" split; false when it is not one.
bool parse_endpoint(const std::string& endpoint, std::string& host, std::string& port);

class connection {
 public:
  explicit connection(connection_options options);
  ~connection();  // shutdown()
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Before start() only.
  void set_push_handler(push_handler h);
  void set_connected_handler(connected_handler h);

  // Start the I/O thread and the first connection attempt; does not wait for it.
  result<void> start();
  // Fail every request with errc::closed, close the socket, join the I/O thread. Idempotent.
  // Not from the I/O thread.
  void shutdown();
  [[nodiscard]] bool running() const noexcept;

  // From any thread; `done` runs exactly once.
  void async_request(outgoing request, std::chrono::milliseconds timeout, response_callback done);
  template <class Body>
  void async_call(wire::code c, const Body& body, std::chrono::milliseconds timeout,
                  response_callback done) {
    result<outgoing> out = encode_request(c, body);
    if (!out) {
      done(failure(out.error()));
      return;
    }
    async_request(std::move(out).value(), timeout, std::move(done));
  }

  // Blocking; errc::invalid_argument on the I/O thread.
  result<frame> request(outgoing request, std::chrono::milliseconds timeout);
  template <class Body>
  result<frame> call(wire::code c, const Body& body, std::chrono::milliseconds timeout) {
    result<outgoing> out = encode_request(c, body);
    if (!out) return failure(out.error());
    return request(std::move(out).value(), timeout);
  }

  // Run `fn` on the I/O thread; dropped once shutdown starts. Returns false when the
  // connection is not running (nothing was posted).
  bool post(std::function<void()> fn);
  // Run `fn` on the I/O thread after `delay`. When shutdown comes first (or the connection is
  // not running), `on_cancel` runs instead, so that whoever waits on `fn` is answered.
  void post_after(std::chrono::milliseconds delay, std::function<void()> fn,
                  std::function<void()> on_cancel = {});

  [[nodiscard]] bool on_io_thread() const noexcept;
  [[nodiscard]] const std::string& client_id() const noexcept;
  [[nodiscard]] const std::string& endpoint() const noexcept;
  // The broker's limits from the last HELLO; 0 until the first one.
  [[nodiscard]] size_t broker_max_message_size() const noexcept;
  [[nodiscard]] bool connected() const noexcept;

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

// A refusal for a blocking call on the I/O thread.
[[nodiscard]] error io_thread_refusal(std::string_view what);

}  // namespace berth::client::internal
