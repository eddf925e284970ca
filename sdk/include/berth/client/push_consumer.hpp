// push_consumer: subscribe, register a listener, start; the consumer finds its queues, pulls
// them with long polls, runs the listener on a bounded thread pool and commits progress.
//
// Clustering (the default): the group's members share the topic's queues. Every member sends
// HEARTBEAT (its client id and subscriptions) every heartbeat_interval and asks the broker
// for its queues (QUERY_ASSIGNMENT) at start, when the broker pushes GROUP_CHANGED, every
// rebalance_interval and after a reconnect. A newly owned queue starts at the group's
// committed offset, or at the queue's earliest/latest message (consume_from) when the group
// has none. A queue no longer owned stops being pulled, its progress is committed and its
// unprocessed messages are dropped (the new owner reads them). When an administrator resets
// the group's offsets (GROUP_RESET), the broker pushes OFFSETS_RESET and the consumer goes on
// from the new committed offsets.
//
// Broadcasting: every consumer reads every queue of the topic; its offsets stay in the
// consumer (nothing is committed to the broker) and start per consume_from.
//
// Delivery is at-least-once: the committed offset is the offset after the contiguous prefix
// of successfully processed messages (never past an unprocessed one), committed at most every
// commit_interval per queue, when a queue is lost and at shutdown; messages processed after
// the last commit are delivered again after a crash or a rebalance.
//
// retry_later (clustering, not ordered): the consumer hands the message back to the broker
// (SEND_BACK), which delivers it to the group again after a backoff (retry_delay_level; by
// default RocketMQ's levels 3 and up: 10 s, 30 s, 1 min, ...) through the group's retry topic
// %RETRY%<group>, to which every member subscribes by itself; the listener sees the message
// under its own topic with reconsume_times counting its failures. After max_reconsume retries
// the broker moves it to the group's dead-letter topic %DLQ%<group> (berthctl dlq list /
// resend). When the broker cannot take it back, and in ordered and broadcasting modes, the
// same consumer hands the message to the listener again after retry_delay (reconsume_times
// counts up), and the commit cannot pass it in the meantime; in ordered mode with
// max_reconsume set, after that many retries the message goes to the dead letters.
//
// Ordered mode: the messages of one queue are processed one at a time, in offset order (a
// retry_later holds the queue); different queues are processed in parallel. In clustering, a
// member processes only the queues it holds a broker lock on (LOCK_QUEUES): a queue changing
// hands in a rebalance is never processed by two members at once.
//
// Threads: the pulls are asynchronous on one I/O thread (no thread per queue); only the
// listener runs on the pool of `threads` threads. The listener may block (slowly consuming is
// fine: pulls pause while a queue has max_cached_messages waiting) and may use producers. Do
// not call shutdown() from the listener.
#pragma once

#include <berth/client/credentials.hpp>
#include <berth/client/error.hpp>
#include <berth/client/message.hpp>
#include <berth/client/tls.hpp>
#include <berth/client/types.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace berth::client {

enum class consume_result : uint8_t { success, retry_later };
enum class consume_from : uint8_t { earliest, latest };

struct push_consumer_options {
  std::string endpoint = "127.0.0.1:10911";
  tls_options tls;  // TLS to a transport-tls listener (berth/client/tls.hpp)
  client::credentials credentials;  // sign requests, for brokers with [auth] (credentials.hpp)
  std::string group;      // required
  std::string client_id;  // empty: "<hostname>@<pid>#<counter>"
  consume_model model = consume_model::clustering;
  consume_from from = consume_from::latest;  // where a queue without a committed offset starts
  unsigned threads = 4;                      // listener threads
  uint32_t pull_batch = 32;                  // messages per pull
  uint32_t max_cached_messages = 1000;       // per queue, pulled but not processed
  bool ordered = false;
  std::chrono::milliseconds hold{15000};  // long-poll time of a pull
  std::chrono::milliseconds heartbeat_interval{5000};
  std::chrono::milliseconds rebalance_interval{20000};
  std::chrono::milliseconds commit_interval{1000};
  std::chrono::milliseconds retry_delay{1000};  // a retry_later kept in this consumer: after this
  // retry_later handed back to the broker: the delay level of the retry (1..18); 0 lets the
  // broker choose (level 3 + reconsume_times).
  int32_t retry_delay_level = 0;
  // Retries before the dead-letter topic; 0: the broker's (16). Ordered mode retries in this
  // consumer, forever with 0 (RocketMQ's default for orderly consumers), else max_reconsume
  // times before the message goes to the dead letters and the queue goes on.
  uint32_t max_reconsume = 0;
  std::chrono::milliseconds request_timeout{3000};
  // Failures the consumer retries by itself (a refused HEARTBEAT, a failed QUERY_ASSIGNMENT,
  // PULL or COMMIT_OFFSET), for logging; runs on the I/O thread, keep it short.
  std::function<void(const error&)> on_error;
};

// Runs on a pool thread. An exception counts as retry_later.
using message_listener = std::function<consume_result(const received_message&)>;

// A queue the consumer reads now.
struct owned_queue {
  std::string topic;
  uint32_t queue_id = 0;
  friend bool operator==(const owned_queue&, const owned_queue&) = default;
};

class push_consumer {
 public:
  explicit push_consumer(push_consumer_options options);
  ~push_consumer();  // shutdown()
  push_consumer(push_consumer&&) noexcept;
  push_consumer& operator=(push_consumer&&) noexcept;

  // Before start(). `expression` filters by tag: "*" (all) or "TagA || TagB"
  // (errc::invalid_argument otherwise). The topic must exist by the time the consumer
  // registers: the broker refuses a HEARTBEAT naming an unknown topic (it is sent again every
  // heartbeat_interval, so consumption begins once the topic is created).
  result<void> subscribe(std::string topic, std::string expression = "*");
  // The same with any filter. The broker alone parses SQL92 and Lua: start() registers once
  // and fails with its INVALID_FILTER or FILTER_UNSUPPORTED answer (when the broker is up).
  result<void> subscribe(std::string topic, filter_expression filter);
  void on_message(message_listener listener);

  // errc::invalid_argument without a group, a subscription or a listener.
  result<void> start();
  // Stops pulling, waits for the listeners running now (queued messages are dropped and will
  // be delivered again), commits the progress, closes the connection. Idempotent.
  void shutdown();

  [[nodiscard]] const std::string& client_id() const noexcept;
  // The queues of the subscribed topics read now, sorted (for monitoring and tests); the
  // group's retry topic is not listed.
  [[nodiscard]] std::vector<owned_queue> owned_queues() const;

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace berth::client
