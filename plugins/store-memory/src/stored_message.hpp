// One appended message as the store keeps it: every string, the properties, the body and the
// message id are copied into one buffer owned by the message, and view() points into it.
// Immutable once made. The table and every read result that returned it share ownership
// (read results through read_batch::pins), so dropping it from the table never invalidates a
// result the host has not released yet.
#pragma once

#include <berth/abi/berth_message.h>

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace berth::plugins::store_memory {

// What every message counts against max_bytes on top of its variable-length fields: its fixed
// fields, its message id and its entries in the log, its queue and the key index.
inline constexpr uint64_t message_overhead = 256;

// The property whose value is indexed as a key, beside the space-separated keys.
inline constexpr std::string_view unique_key_property = "UNIQ_KEY";

// The bytes a message counts against max_bytes, which is also how far it advances the log
// offset: body + topic + tags + keys + property names and values + born and store hosts +
// message_overhead. `message` must have passed check_batch().
[[nodiscard]] uint64_t accounted_size(const berth_message_view& message) noexcept;

// What append() assigns to a message.
struct message_stamp {
  uint64_t queue_offset = 0;
  uint64_t log_offset = 0;
  int64_t store_time_ms = 0;
};

class stored_message {
 public:
  // Copy `from` (checked by check_batch()) and stamp it. The message id is made from its store
  // host and log offset; the tag hash from its tags.
  stored_message(const berth_message_view& from, const message_stamp& stamp);
  stored_message(const stored_message&) = delete;  // view_ points into bytes_
  stored_message& operator=(const stored_message&) = delete;

  [[nodiscard]] const berth_message_view& view() const noexcept { return view_; }
  [[nodiscard]] uint64_t size() const noexcept { return size_; }  // accounted_size()
  [[nodiscard]] std::string_view topic() const noexcept;
  [[nodiscard]] std::string_view message_id() const noexcept;
  [[nodiscard]] uint32_t queue_id() const noexcept { return view_.queue_id; }
  [[nodiscard]] uint64_t queue_offset() const noexcept { return view_.queue_offset; }
  [[nodiscard]] uint64_t log_offset() const noexcept { return view_.log_offset; }
  [[nodiscard]] int64_t store_time_ms() const noexcept { return view_.store_time_ms; }
  // Each distinct key the message is found by: its space-separated keys, then its UNIQ_KEY
  // property; views into the message.
  [[nodiscard]] const std::vector<std::string_view>& index_keys() const noexcept {
    return index_keys_;
  }

 private:
  std::unique_ptr<uint8_t[]> bytes_;
  std::vector<berth_property> properties_;
  std::vector<std::string_view> index_keys_;
  berth_message_view view_{};
  uint64_t size_ = 0;
};

using message_ptr = std::shared_ptr<const stored_message>;

}  // namespace berth::plugins::store_memory
