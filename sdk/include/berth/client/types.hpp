// Owning records the client returns: what a send produced, what a topic or a group looks
// like, what a pull brought back. Plain structs, copied out of the broker's answers.
#pragma once

#include <berth/client/message.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace berth::client {

// Where the broker stored a sent message.
struct send_receipt {
  std::string message_id;
  uint32_t queue_id = 0;
  uint64_t queue_offset = 0;
  uint64_t log_offset = 0;
  int64_t store_time_ms = 0;
};

// One queue's offsets: messages live in [min_offset, max_offset).
struct queue_info {
  uint32_t queue_id = 0;
  uint64_t min_offset = 0;
  uint64_t max_offset = 0;
};

// Topic permission bits (docs/protocol.md `perm`).
inline constexpr uint8_t perm_write = 2;
inline constexpr uint8_t perm_read = 4;
inline constexpr uint8_t perm_read_write = perm_read | perm_write;

struct topic_info {
  std::string name;
  uint32_t queue_count = 0;
  uint8_t perm = perm_read_write;
  std::vector<queue_info> queues;
};

enum class consume_model : uint8_t { clustering = 0, broadcasting = 1 };

// What a consumer subscribes to. The broker evaluates it (docs/filters.md), so messages that
// do not match never cross the network; it refuses a bad expression with the filter's message
// and column (errc::broker, INVALID_FILTER) and a kind it has no filter for
// (FILTER_UNSUPPORTED).
enum class filter_kind : uint8_t { tag = 0, sql = 1, lua = 2 };

struct filter_expression {
  filter_kind kind = filter_kind::tag;
  std::string text = "*";

  // "*" (every message) or "TagA || TagB".
  static filter_expression tags(std::string text) { return {filter_kind::tag, std::move(text)}; }
  // RocketMQ's SQL92 subset over user properties and TAGS: "region = 'eu' AND amount > 5".
  static filter_expression sql(std::string text) { return {filter_kind::sql, std::move(text)}; }
  // A Lua chunk returning function(msg) -> boolean, or "@name" for an operator's named script.
  static filter_expression lua(std::string script) { return {filter_kind::lua, std::move(script)}; }
};

// A group's position on one queue.
struct group_queue_info {
  std::string topic;
  uint32_t queue_id = 0;
  std::optional<uint64_t> committed;  // nullopt: the group has committed nothing here
  uint64_t max_offset = 0;
  uint64_t lag = 0;
};

struct group_info {
  std::string name;
  consume_model model = consume_model::clustering;
  std::vector<std::string> members;  // client ids
  std::vector<group_queue_info> queues;
};

enum class pull_status : uint8_t {
  found = 0,
  no_new_message = 1,  // nothing arrived while the broker held the pull
  offset_moved = 2,    // the asked offset is gone or not there yet: continue at next_offset
  no_match = 3,        // nothing matched the filter in the window scanned: pull next_offset
};

struct pull_result {
  pull_status status = pull_status::no_new_message;
  uint64_t next_offset = 0;  // where the next pull starts
  uint64_t min_offset = 0;
  uint64_t max_offset = 0;
  std::vector<received_message> messages;
};

}  // namespace berth::client
