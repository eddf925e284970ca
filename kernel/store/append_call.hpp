// One append_async in flight. The store fills the result slots during append() and calls the
// done callback exactly once, either inside append() or later on a store thread; only when
// both have happened are the slots complete and the outcome known. An append_call owns the
// slots and the caller's callback until then, in whichever order the two events come, and the
// second one delivers and frees it. It holds nothing of the plugin, so a done callback that
// runs late never keeps a plugin instance alive from the plugin's own thread.
#pragma once

#include "store/types.hpp"

#include <berth/abi/berth_store.h>

#include <atomic>
#include <span>
#include <string>
#include <vector>

namespace berth::kernel::store::detail {

class append_call {
 public:
  // Call ops.append for `messages` with a done callback; `callback` runs exactly once (inline
  // when the store refuses the batch or acknowledges it inside append()).
  static void start(const berth_store_ops& ops, berth_instance* handle, std::string plugin,
                    std::span<const berth_message_view* const> messages,
                    append_callback callback);

 private:
  append_call(size_t count, std::string plugin, append_callback callback);

  static void on_done(void* arg, berth_status status, const char* error) noexcept;
  // One of the two events happened; the second delivers and deletes this.
  void arrive() noexcept;
  void deliver() noexcept;

  std::vector<berth_append_result> slots_;
  std::string plugin_;
  append_callback callback_;
  std::atomic<int> pending_{2};  // append() returning OK, and done
  berth_status ack_status_ = BERTH_OK;
  std::string ack_error_;
};

}  // namespace berth::kernel::store::detail
