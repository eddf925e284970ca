// The write side: checks a batch, then writes its records to the commit log under one lock,
// assigning queue offsets (per queue, from the table rebuilt at recovery) and store times
// (never going back, so store times follow log order).
#pragma once

#include "commit_log.hpp"
#include "queue_table.hpp"
#include "store_config.hpp"

#include <berth/abi/berth_store.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <string>

namespace berth::store_mmap {

class appender {
 public:
  appender(commit_log& log, const store_config& config);

  // Continue every queue where the recovered consume queues end.
  void restore_next_offsets(const queue_table& queues);

  // Throws plugin_error(BERTH_E_INVALID, "message i of the batch: ...") for the first bad one.
  void validate(std::span<const berth_message_view* const> messages) const;

  struct written {
    uint64_t end_offset = 0;    // the log offset where the batch ends
    uint64_t record_bytes = 0;  // the batch's records alone (not other appenders', not padding)
  };
  // Write the records; fills results. A failure (disk full, I/O) is thrown after the records
  // before it were written.
  written write(std::span<const berth_message_view* const> messages,
                std::span<berth_append_result> results, int64_t now_ms);

 private:
  commit_log& log_;
  const uint64_t max_message_size_;
  std::mutex mutex_;
  // topic -> queue id -> the next queue offset
  std::map<std::string, std::map<uint32_t, uint64_t>, std::less<>> next_offsets_;
  int64_t last_store_time_ms_ = 0;
  // The message id's host part, for the store host it was made from (one per listener).
  const std::string& id_prefix(std::string_view store_host);
  std::string id_host_;
  std::string id_prefix_;
};

}  // namespace berth::store_mmap
