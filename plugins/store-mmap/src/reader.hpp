// The read side of the store: reads by queue, lookups by id and key, bounds and offset by
// time. Every message handed out is a view into a mapped segment, pinned by the batch, and
// its record's crc is checked first: a damaged record is reported (with its log offset) and
// never served.
#pragma once

#include "commit_log.hpp"
#include "key_index.hpp"
#include "queue_table.hpp"

#include <berth/plugin/store.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace berth::store_mmap {

class reader {
 public:
  struct parts {
    const commit_log& log;
    const queue_table& queues;
    const key_index& index;
    std::function<uint64_t()> visible_limit;  // lookups by id serve nothing at or beyond it
    std::function<void(const std::string&)> report_corrupt;
  };
  explicit reader(parts p) : parts_(std::move(p)) {}

  [[nodiscard]] sdk::read_batch_ptr read(const sdk::read_request& request) const;
  [[nodiscard]] std::optional<sdk::queue_range> bounds(std::string_view topic, uint32_t queue_id) const;
  [[nodiscard]] std::optional<uint64_t> offset_by_time(std::string_view topic, uint32_t queue_id,
                                                       int64_t time_ms) const;
  [[nodiscard]] sdk::read_batch_ptr lookup_id(std::string_view message_id) const;
  [[nodiscard]] sdk::read_batch_ptr lookup_key(std::string_view topic, std::string_view key,
                                               int64_t begin_ms, int64_t end_ms,
                                               uint32_t max_messages) const;

 private:
  class batch;
  enum class loaded { ok, gone, damaged };
  // Add the record at log_offset to `into`, unless retention removed it or it is damaged.
  loaded load(uint64_t log_offset, uint32_t size, batch& into) const;

  parts parts_;
};

}  // namespace berth::store_mmap
