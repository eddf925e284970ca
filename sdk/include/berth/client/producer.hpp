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
// Transactions (RocketMQ's TransactionMQProducer): send_in_transaction() sends a half message
// (stored, invisible to consumers), runs the local transaction, and commits or rolls back the
// half by its answer (END_TRANSACTION). A transaction left unknown, or whose END_TRANSACTION
// was lost, is checked back by the broker later: it pushes CHECK_TRANSACTION to a connected
// producer of the group, whose `transaction_checker` answers. A producer with a producer group
// registers it after every (re)connect (PRODUCER_REGISTER), so that check-backs reach it.
//
// Threads: all methods may be called from any thread, concurrently. Callbacks of send_async()
// run on the producer's I/O thread: keep them short, and do not call blocking methods of the
// same producer there (they return errc::invalid_argument), nor shutdown().
#pragma once

#include <berth/client/credentials.hpp>
#include <berth/client/error.hpp>
#include <berth/client/message.hpp>
#include <berth/client/tls.hpp>
#include <berth/client/types.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace berth::client {

// How a transaction ends, as the local transaction or the checker decides.
enum class transaction_state : uint8_t {
  commit = 1,    // the half message becomes visible to consumers
  rollback = 2,  // it never does
  unknown = 0,   // not decided yet: the broker checks back later
};

// The local transaction of send_in_transaction(): runs once the half message is stored. An
// exception counts as unknown.
using local_transaction =
    std::function<transaction_state(const message& m, const send_receipt& half)>;

// The broker asks how a transaction ended.
struct transaction_check {
  std::string transaction_id;
  uint64_t half_offset = 0;
  received_message half;  // as stored (in RMQ_SYS_TRANS_HALF_TOPIC, REAL_TOPIC says where to)
};

// Answers check-backs; runs on the producer's checker thread (one at a time). An exception
// counts as unknown.
using transaction_checker = std::function<transaction_state(const transaction_check& check)>;

struct transaction_receipt {
  send_receipt half;  // half.message_id is the transaction id
  transaction_state state = transaction_state::unknown;  // what the local transaction said
  // END_TRANSACTION failed (the half stays pending and is checked back later); empty when
  // the broker took the resolution.
  std::optional<error> end_error;
};

struct producer_options {
  std::string endpoint = "127.0.0.1:10911";
  tls_options tls;  // TLS to a transport-tls listener (berth/client/tls.hpp)
  client::credentials credentials;  // sign requests, for brokers with [auth] (credentials.hpp)
  std::string client_id;                            // empty: "<hostname>@<pid>#<counter>"
  std::chrono::milliseconds request_timeout{3000};  // per attempt
  int retries = 2;  // further attempts on connection_lost, timeout, BUSY, STORE_FULL
  // The largest body sent, checked before sending. 0: the broker's limit (HELLO; 4 MiB by
  // default). A non-zero value replaces it on the client side; the broker checks its own.
  size_t max_message_size = 0;
  std::chrono::milliseconds route_refresh{30000};  // how long a topic's queue count is trusted
  // Transactions: the group this producer sends transactional messages for (required by
  // send_in_transaction), and who answers the broker's check-backs (none: they go unanswered
  // and the broker asks again, up to its max_checks).
  std::string producer_group;
  transaction_checker checker;
};

using send_callback = std::function<void(result<send_receipt>)>;
using batch_callback = std::function<void(result<std::vector<send_receipt>>)>;

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
  // The same without waiting: `done` runs exactly once, with a receipt per message (on the I/O
  // thread; on this thread for refusals made before anything was sent). The messages are
  // copied before it returns. Retried as send_async() is (producer_options::retries).
  void send_batch_async(std::span<const message> messages, batch_callback done);

  // Send `m` as a half message of a transaction, run `local` and end the transaction by its
  // answer. Fails (errc::invalid_argument) without a producer_group, or when the half cannot be
  // stored (then `local` does not run).
  result<transaction_receipt> send_in_transaction(const message& m, const local_transaction& local);

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
