// admin: topic, group and message administration (what berthctl does), as plain calls that
// block until the broker answers and return owning structs. One connection; all methods may
// be called from any thread.
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

struct admin_options {
  std::string endpoint = "127.0.0.1:10911";
  tls_options tls;  // TLS to a transport-tls listener (berth/client/tls.hpp)
  client::credentials credentials;  // sign requests, for brokers with [auth] (credentials.hpp)
  std::string client_id;  // empty: "<hostname>@<pid>#<counter>"
  std::chrono::milliseconds request_timeout{3000};
};

// Where GROUP_RESET moves a group's offsets.
enum class reset_to : uint8_t { time = 0, earliest = 1, latest = 2 };

class admin {
 public:
  explicit admin(admin_options options = {});
  ~admin();
  admin(admin&&) noexcept;
  admin& operator=(admin&&) noexcept;

  result<void> start();
  void shutdown();

  // OK when the topic exists with the same settings; TOPIC_EXISTS when with others.
  result<void> create_topic(std::string_view name, uint32_t queues, uint8_t perm = perm_read_write);
  result<std::vector<std::string>> list_topics();
  result<topic_info> describe_topic(std::string_view name);
  // Removes the topic's metadata; its stored messages stay until retention removes them.
  result<void> remove_topic(std::string_view name);

  result<std::vector<std::string>> list_groups();
  result<group_info> describe_group(std::string_view group);
  // Moves the group's committed offsets on every queue of `topic`; returns the new ones.
  // `time_ms` (ms since the epoch) is used with reset_to::time only.
  result<std::vector<group_queue_info>> reset_group(std::string_view group, std::string_view topic,
                                                    reset_to to, int64_t time_ms = 0);

  result<received_message> message_by_id(std::string_view message_id);
  // Messages of `topic` with `key` stored in [begin_ms, end_ms], at most `max`.
  result<std::vector<received_message>> messages_by_key(std::string_view topic,
                                                        std::string_view key, int64_t begin_ms,
                                                        int64_t end_ms, uint32_t max = 64);
  result<received_message> message_at(std::string_view topic, uint32_t queue, uint64_t offset);

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace berth::client
