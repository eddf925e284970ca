// One commit-log record: the on-disk form of a message, and the end-of-segment marker.
// Little-endian, no padding between records. Layout (docs in plugins/store-mmap/README.md):
//   @0 u32 total_size | @4 u32 magic | @8 u32 crc32c of every byte after this field |
//   @12 u32 queue_id | @16 u64 log_offset | @24 u64 queue_offset | @32 i64 born_time_ms |
//   @40 i64 store_time_ms | @48 u32 flag | @52 u32 sys_flag | @56 u32 reconsume_times |
//   @60 u32 body length | @64 u32 properties length | @68 u16 tags length |
//   @70 u16 keys length | @72 u8 topic length | @73 u8 born host length |
//   @74 u8 store host length | @75 u8 reserved (0) |
//   @76 topic | born host | store host | tags | keys |
//   properties (u32 count, then per property u16 name length, name, u32 value length, value) |
//   body
// A preallocated segment is zero-filled, so a total_size of 0 marks the end of written data.
// The end-of-segment marker is u32 remaining bytes | u32 blank_magic, written when the next
// record does not fit; readers jump to the next segment.
#pragma once

#include <berth/abi/berth_message.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace berth::store_mmap {

inline constexpr uint32_t record_magic = 0x52485442u;  // "BTHR" little-endian
inline constexpr uint32_t blank_magic = 0x4B4E4C42u;   // "BLNK"
inline constexpr size_t blank_size = 8;
// The fixed part of a record: size, magic, crc and the fixed header.
extern const size_t record_header_size;
// Hard limits of the format (the store's own limits are smaller and configurable).
inline constexpr size_t max_topic_bytes = 255;
inline constexpr size_t max_host_bytes = 255;
inline constexpr size_t max_tags_bytes = 65535;
inline constexpr size_t max_keys_bytes = 65535;
inline constexpr size_t max_property_name_bytes = 65535;
inline constexpr size_t max_record_bytes = UINT32_MAX;

// What append() stamps on a message.
struct record_stamp {
  uint64_t queue_offset = 0;
  uint64_t log_offset = 0;
  int64_t store_time_ms = 0;
};

// Bytes the record of `message` takes (fields the store assigns are fixed-width).
[[nodiscard]] size_t encoded_size(const berth_message_view& message) noexcept;

// Why `message` cannot be encoded (a field over the format's limits above), or empty when it
// can. encode() requires a message that passes.
[[nodiscard]] std::string encoding_error(const berth_message_view& message);

// Write the record (crc included) into out, which holds exactly encoded_size(message) bytes.
void encode(const berth_message_view& message, const record_stamp& stamp,
            std::span<uint8_t> out) noexcept;

// Write the end-of-segment marker for `remaining` bytes (>= blank_size) at out.
void encode_blank(uint32_t remaining, std::span<uint8_t> out) noexcept;

// A record read back: every view points into the bytes given to decode().
struct decoded_record {
  uint32_t total_size = 0;
  uint32_t queue_id = 0;
  uint64_t queue_offset = 0;
  uint64_t log_offset = 0;
  int64_t born_time_ms = 0;
  int64_t store_time_ms = 0;
  uint32_t flag = 0;
  uint32_t sys_flag = 0;
  uint32_t reconsume_times = 0;
  std::string_view topic;
  std::string_view born_host;
  std::string_view store_host;
  std::string_view tags;
  std::string_view keys;
  std::span<const uint8_t> properties;  // encoded; see parse_properties()
  uint32_t property_count = 0;
  std::span<const uint8_t> body;
};

enum class decode_status {
  record,   // a whole, valid record
  end,      // zeros: nothing written here yet
  blank,    // the end-of-segment marker; `size` is the rest of the segment
  corrupt,  // anything else; `reason` says what
};

struct decode_result {
  decode_status status = decode_status::end;
  uint32_t size = 0;  // bytes the record (or marker) takes
  std::string reason;
  decoded_record record;
};

// Decode the record at the start of `bytes` (the rest of the segment from its position).
// `log_offset` is where those bytes sit in the log: a record that names another offset is
// corrupt (stale or misplaced). With verify_crc false the crc is not computed (the dispatcher
// reads records that were just written).
[[nodiscard]] decode_result decode(std::span<const uint8_t> bytes, uint64_t log_offset,
                                   bool verify_crc);

// The user properties of a decoded record, appended to `out`; views point into the record.
void parse_properties(const decoded_record& record, std::vector<berth_property>& out);

// A message view over a decoded record, without properties (the caller adds those) and
// without a message id.
[[nodiscard]] berth_message_view to_view(const decoded_record& record) noexcept;

}  // namespace berth::store_mmap
