// kernel_link: one native-protocol connection into the kernel (berth_conn.h), on behalf of one
// gRPC client. The gateway turns each RPC into native requests; the kernel's answers come back
// on its own threads, are matched to their request by id, and each callback runs on the
// gateway's executor, never inside the kernel's send (so a callback may call again).
#pragma once

#include <berth/plugin/connections.hpp>
#include <berth/wire/codes.hpp>
#include <berth/wire/frame.hpp>
#include <berth/wire/writer.hpp>

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace berth::transport_grpc {

// A native answer: its status, and its body (an error's body is its text message).
struct kernel_reply {
  wire::status status = wire::status::ok;
  std::span<const uint8_t> body;  // valid during the callback only
  std::string error;              // the text message of a failed answer

  [[nodiscard]] bool ok() const noexcept { return status == wire::status::ok; }
};

class kernel_link : public std::enable_shared_from_this<kernel_link> {
 public:
  using reply_fn = std::function<void(const kernel_reply&)>;
  // A push (CHECK_TRANSACTION, ...): its code and body, valid during the call.
  using push_fn = std::function<void(wire::code, std::span<const uint8_t>)>;

  // nullptr when the kernel refused the connection (shutting down, too many): `refusal` says why.
  static std::shared_ptr<kernel_link> open(const sdk::connection_port& port,
                                           boost::asio::thread_pool& executor,
                                           const std::string& peer, const std::string& local,
                                           push_fn on_push, std::string& refusal);
  ~kernel_link();
  kernel_link(const kernel_link&) = delete;
  kernel_link& operator=(const kernel_link&) = delete;

  // Send one request; `done` runs once, on the executor: with the answer, or with
  // SHUTTING_DOWN when the link closes first.
  template <class Body>
  void call(wire::code code, const Body& body, reply_fn done) {
    std::vector<uint8_t> frame;
    const uint64_t id = next_id_.fetch_add(1, std::memory_order_relaxed);
    wire::frame_builder b(frame, wire::request_header(code, id));
    body.encode(b.body());
    (void)b.finish();
    submit(id, std::move(frame), std::move(done));
  }

  // Authenticate the connection by credentials the client signed (conn_authenticate): its
  // requests after this run as that identity. BERTH_OK, or the refusal with its reason.
  berth_status authenticate(const berth_credentials& credentials, std::string& reason);

  // Close the kernel connection; pending calls are answered SHUTTING_DOWN. Idempotent.
  void close();
  [[nodiscard]] bool closed() const noexcept { return closed_.load(); }

 private:
  kernel_link(const sdk::connection_port& port, boost::asio::thread_pool& executor,
              push_fn on_push);

  void submit(uint64_t id, std::vector<uint8_t> frame, reply_fn done);
  void deliver(std::vector<uint8_t> frame);
  void fail_pending(const std::string& why);

  static void on_send(void* arg, const berth_iovec* parts, uint32_t count,
                      berth_release_fn release, void* release_arg);
  static void on_close(void* arg, berth_str reason);

  const sdk::connection_port& port_;
  boost::asio::thread_pool& executor_;
  push_fn on_push_;
  berth_conn_ops ops_{};
  berth_conn* conn_ = nullptr;
  std::atomic<uint64_t> next_id_{1};
  std::atomic<bool> closed_{false};
  std::mutex frame_mutex_;  // the kernel takes a connection's frames one at a time
  std::mutex pending_mutex_;
  std::unordered_map<uint64_t, reply_fn> pending_;
};

}  // namespace berth::transport_grpc
