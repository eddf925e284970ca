// simple_consumer (RocketMQ 5's name): the broker keeps what the group has in flight. The
// application receives messages (POP), each hidden from the group's other consumers for its
// invisible duration, and acknowledges each one it processed (ACK); a message not acked in
// time is handed out again (attempt + 1) to any consumer of the group. change_invisible()
// gives a message more time, or with zero hands it back at once.
//
// With options.fifo, a message group's messages (message::message_group) are handed out one
// at a time and in send order: the next one only after the previous one is acked (or was
// dead-lettered). Every consumer of one group must agree on fifo.
//
// Every call blocks until the broker answers (receive() up to its hold time when nothing is
// there). All methods may be called from any thread.
#pragma once

#include <berth/client/credentials.hpp>
#include <berth/client/error.hpp>
#include <berth/client/message.hpp>
#include <berth/client/tls.hpp>
#include <berth/client/types.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace berth::client {

struct simple_consumer_options {
  std::string endpoint = "127.0.0.1:10911";
  tls_options tls;  // TLS to a transport-tls listener (berth/client/tls.hpp)
  client::credentials credentials;  // sign requests, for brokers with [auth] (credentials.hpp)
  std::string group;                                // required
  std::string topic;                                // required
  filter_expression filter;                         // default: every message ("*" tags)
  bool fifo = false;                                // message groups in order, one at a time
  uint32_t max_attempts = 0;  // deliveries before the dead-letter topic; 0: the broker's (17)
  std::chrono::milliseconds hold{5000};  // how long receive() waits for a first message
  std::string client_id;                 // empty: "<hostname>@<pid>#<counter>"
  std::chrono::milliseconds request_timeout{3000};  // receive() waits this on top of its hold
};

// A received message with what acknowledging it takes.
struct popped_message : received_message {
  std::string receipt_handle;  // opaque; change_invisible() replaces it
  uint32_t attempt = 0;        // 1 on the first delivery
  int64_t invisible_until_ms = 0;  // the broker's clock, ms since the epoch
};

class simple_consumer {
 public:
  explicit simple_consumer(simple_consumer_options options);
  ~simple_consumer();
  simple_consumer(simple_consumer&&) noexcept;
  simple_consumer& operator=(simple_consumer&&) noexcept;

  result<void> start();  // errc::invalid_argument without a group or topic
  void shutdown();

  // Up to `max_messages` (1..32), each invisible to other receives for `invisible` (1 s ..
  // 12 h); empty when nothing came within the hold time.
  result<std::vector<popped_message>> receive(uint32_t max_messages,
                                              std::chrono::milliseconds invisible);
  // The message is done. A broker error STALE_HANDLE says it was handed out again meanwhile
  // (or its handle changed); ALREADY_ACKED that it was acked before.
  result<void> ack(const popped_message& message);
  // The message stays invisible for `invisible` from now (0: handed out again at once);
  // `message` gets the new handle.
  result<void> change_invisible(popped_message& message, std::chrono::milliseconds invisible);

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace berth::client
