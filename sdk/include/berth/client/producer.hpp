// producer: sends messages to a Berth broker over one pipelined connection.
//
// Why it looks like this: a send is answered once the broker's store has acknowledged it
// (under `flush = "sync"`, once it is on disk), so a successful send_receipt means stored.
// Failures that may pass (connection lost, timeout, BUSY, STORE_FULL) are retried
// `retries` times; a retried send that had in fact been stored the first time is stored twice,
// so delivery is at-least-once and consumers that must not double-process deduplicate on the
// UNIQ_KEY property, which the producer sets on every message.
//
// Ordered messages: a message with a sharding key goes to queue fnv1a64(key) % queue_count of
// its topic (the count from TOPIC_DESCRIBE, cached per topic for 30 s and refreshed on
// NO_QUEUE), and carries the SHARDING_KEY property: all messages of a key are in one queue,
// in the order they were sent (send one after the other, not concurrently, to keep the order).
//
// Request/reply: request() sends a message carrying CORRELATION_ID, REPLY_TO_CLIENT (this
// producer's client id) and TTL, and waits for the REPLY push the broker routes back to this
// connection; the responder answers with send_reply().
//
// Threads: all methods may be called from any thread, concurrently. Callbacks of send_async()
// run on the producer's I/O thread: keep them short, and do not call blocking methods of the
// same producer there (they return errc::invalid_argument), nor shutdown().
#pragma once

#include <berth/client/error.hpp>
#include <berth/client/message.hpp>
#include <berth/client/types.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace berth::client {

struct producer_options {
  std::string endpoint = "127.0.0.1:10911";
  std::string client_id;                            // empty: "<hostname>@<pid>#<counter>"
  std::chrono::milliseconds request_timeout{3000};  // per attempt
  int retries = 2;  // further attempts on connection_lost, timeout, BUSY, STORE_FULL
  // The largest body sent, checked before sending. 0: the broker's limit (HELLO; 4 MiB by
  // default). A non-zero value replaces it on the client side; the broker checks its own.
  size_t max_message_size = 0;
  std::chrono::milliseconds route_refresh{30000};  // how long a topic's queue count is trusted
};

using send_callback = std::function<void(result<send_receipt>)>;

class producer {
 public:
  explicit producer(producer_options options = {});
  ~producer();  // shutdown()
  producer(producer&&) noexcept;
  producer& operator=(producer&&) noexcept;

  // Starts the connection in the background (sends made before it is up wait for it, up to
  // their timeout). errc::invalid_argument for a bad endpoint or client id.
  result<void> start();
  // Fails what is in flight with errc::closed and closes the connection. Idempotent.
  void shutdown();

  [[nodiscard]] const std::string& client_id() const noexcept;

  result<send_receipt> send(const message& m);
  // `done` runs exactly once (on the I/O thread; on this thread for refusals made before
  // anything was sent).
  void send_async(const message& m, send_callback done);
  // One SEND_BATCH: all messages to one topic and one queue (the broker refuses a mix); a
  // receipt per message, in order. Each message's queue is its explicit queue, else its
  // sharding key's, else the broker's choice; they must agree.
  result<std::vector<send_receipt>> send_batch(std::span<const message> messages);

  // Send `m` as a request and wait up to `timeout` for its reply (errc::timeout without one).
  result<received_message> request(const message& m, std::chrono::milliseconds timeout);
  // Answer `request` (a message received by a consumer) with `reply`: CORRELATION_ID and
  // REPLY_TO_CLIENT are copied from the request, the topic defaults to the request's.
  result<send_receipt> send_reply(const received_message& request, message reply);

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace berth::client
