// pull_consumer: the application decides which queue to read from which offset and when to
// commit; the broker only answers. For tools, replays, and consumers that keep offsets
// elsewhere. Most applications want push_consumer, which does all of that for them.
//
// Every call blocks until the broker answers (a pull with `hold` until a message arrives or
// the hold ends). All methods may be called from any thread.
#pragma once

#include <berth/client/credentials.hpp>
#include <berth/client/error.hpp>
#include <berth/client/message.hpp>
#include <berth/client/tls.hpp>
#include <berth/client/types.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace berth::client {

struct pull_consumer_options {
  std::string endpoint = "127.0.0.1:10911";
  tls_options tls;  // TLS to a transport-tls listener (berth/client/tls.hpp)
  client::credentials credentials;  // sign requests, for brokers with [auth] (credentials.hpp)
  std::string group;                                // required: offsets are the group's
  std::string client_id;                            // empty: "<hostname>@<pid>#<counter>"
  std::chrono::milliseconds request_timeout{3000};  // a pull waits this on top of its hold
  uint32_t max_bytes = 8u << 20;  // per pull answer (the broker returns at least one message)
};

class pull_consumer {
 public:
  explicit pull_consumer(pull_consumer_options options);
  ~pull_consumer();
  pull_consumer(pull_consumer&&) noexcept;
  pull_consumer& operator=(pull_consumer&&) noexcept;

  result<void> start();  // errc::invalid_argument without a group
  void shutdown();

  // The topic's queues and their offsets (TOPIC_DESCRIBE).
  result<topic_info> queues(std::string_view topic);
  // Up to `max_messages` from `offset` on; waits up to `hold` for the first one to arrive.
  // `expression` filters by tag: "*" (all) or "TagA || TagB".
  result<pull_result> pull(std::string_view topic, uint32_t queue, uint64_t offset,
                           uint32_t max_messages,
                           std::chrono::milliseconds hold = std::chrono::milliseconds(0),
                           std::string_view expression = "*");
  // The same with any filter (tag, SQL92, Lua); next_offset skips what did not match.
  result<pull_result> pull(std::string_view topic, uint32_t queue, uint64_t offset,
                           uint32_t max_messages, std::chrono::milliseconds hold,
                           const filter_expression& filter);
  // Record `offset` (the next one to read) as the group's position on the queue.
  result<void> commit(std::string_view topic, uint32_t queue, uint64_t offset);
  // The group's committed offset; nullopt when it has committed nothing there.
  result<std::optional<uint64_t>> committed(std::string_view topic, uint32_t queue);

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace berth::client
