// Where the host table's append goes (ABI 1.6, berth_host.append): plugins storing messages in
// the broker's own topics (the trace topic). The kernel implements it once the store exists; a
// broker without a store (or before it is ready) refuses.
#pragma once

#include <berth/abi/berth_message.h>

#include <span>
#include <string>

namespace berth::kernel::plugin_host {

class own_topic_sink {
 public:
  virtual ~own_topic_sink() = default;
  // Blocks until stored; BERTH_OK or a refusal with its reason.
  virtual berth_status append(std::span<const berth_message_view* const> messages,
                              std::string& reason) noexcept = 0;
};

}  // namespace berth::kernel::plugin_host
