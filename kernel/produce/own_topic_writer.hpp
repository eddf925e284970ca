// berth_host.append (ABI 1.6) in the kernel: plugins store messages in the broker's own topics
// (the trace topic). Each such topic is made with one queue when missing; the store's
// acknowledgement is awaited, so a plugin knows its messages are kept once append returns.
#pragma once

#include "plugin_host/own_topic_sink.hpp"
#include "store/store.hpp"
#include "topic/topic_table.hpp"

#include <mutex>
#include <string>

namespace berth::kernel::produce {

class own_topic_writer final : public plugin_host::own_topic_sink {
 public:
  own_topic_writer(topic::topic_table& topics, store::store& store);

  berth_status append(std::span<const berth_message_view* const> messages,
                      std::string& reason) noexcept override;

  // No append after this returns, and none is in progress (the store may go).
  void close();

 private:
  berth_status append_open(std::span<const berth_message_view* const> messages,
                           std::string& reason);

  topic::topic_table& topics_;
  store::store& store_;
  std::mutex mutex_;  // appends against close
  bool closed_ = false;
};

}  // namespace berth::kernel::produce
