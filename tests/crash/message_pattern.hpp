// The messages the crash tests write: every field is a pure function of (queue id, queue
// offset), so that a verifier can tell, for any message the store serves, whether it is
// exactly the one that belongs at that place, without remembering what was written.
//
// Body layout (little-endian): u64 queue offset | u32 queue id | u32 payload length |
// payload (10..3000 pseudo-random bytes) | u64 FNV-1a of everything before it.
// The checksum tells "damaged" from "misplaced": a damaged body fails it, a body that belongs
// elsewhere passes it but names another (queue, offset).
#pragma once

#include <berth/abi/berth_message.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace berth::test::crash {

inline constexpr std::string_view crash_topic = "crash";
inline constexpr size_t min_payload = 10;
inline constexpr size_t max_payload = 3000;

// One message and the storage its view points into. Not copyable once view() was taken:
// keep it in place (a std::deque or a reserved vector) while the view is in use.
struct pattern_message {
  uint32_t queue_id = 0;
  uint64_t queue_offset = 0;
  std::string body;
  std::string tags;
  std::string keys;
  std::vector<std::pair<std::string, std::string>> properties;

  // A view for append(): topic, queue id, born time, tags, keys, properties, body and hosts.
  // Points into this object (and `props`, which it fills).
  [[nodiscard]] berth_message_view view(std::vector<berth_property>& props) const;
};

// The message that belongs at (queue_id, queue_offset).
[[nodiscard]] pattern_message make_message(uint32_t queue_id, uint64_t queue_offset);

// Why `view` is not the message that belongs at (queue_id, queue_offset), or "" when it is.
// The text names the queue, the offset, the log offset and the first difference found.
[[nodiscard]] std::string check_message(const berth_message_view& view, uint32_t queue_id,
                                        uint64_t queue_offset);

// 64-bit FNV-1a: the body checksum.
[[nodiscard]] uint64_t fnv1a64(const void* data, size_t size) noexcept;

}  // namespace berth::test::crash
