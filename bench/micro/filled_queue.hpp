// A store-mmap store's files filled and indexed without its threads: `count` records of one
// queue appended through the appender, their consume-queue entries built by the dispatcher's
// own dispatch() (as recovery does), and the store's reader over them. Message i is tagged
// TagA when i % 100 == 0, else TagB when i % 10 == 0, else TagC: "TagA" selects 1 in 100,
// "TagA || TagB" 1 in 10.
#pragma once

#include "appending_log.hpp"

#include "dispatcher.hpp"
#include "key_index.hpp"
#include "queue_table.hpp"
#include "reader.hpp"

#include <berth/plugin/store.hpp>

#include <cstdint>
#include <memory>
#include <string_view>

namespace berth::bench::micro {

class filled_queue {
 public:
  filled_queue(uint64_t count, size_t body_bytes);
  ~filled_queue();
  filled_queue(const filled_queue&) = delete;
  filled_queue& operator=(const filled_queue&) = delete;

  static constexpr std::string_view topic = "orders";
  static constexpr uint32_t queue_id = 3;

  [[nodiscard]] uint64_t count() const { return count_; }
  [[nodiscard]] const store_mmap::reader& reader() const { return *reader_; }

 private:
  uint64_t count_;
  appending_log log_;
  store_mmap::queue_table queues_;
  store_mmap::key_index index_;
  sdk::arrival_listener listener_;
  std::unique_ptr<store_mmap::dispatcher> dispatcher_;
  std::unique_ptr<store_mmap::reader> reader_;
};

}  // namespace berth::bench::micro
