// One Lua state running one script: the sandbox, the script's function and the msg userdata,
// under its own memory cap and instruction budget. Single-threaded: one call at a time.
// Nothing in it is shared with any other state.
#pragma once

#include "error_text.hpp"
#include "filter_config.hpp"
#include "script_source.hpp"
#include "state_context.hpp"

#include <berth/abi/berth_message.h>

#include <memory>
#include <string>

namespace berth::plugins::filter_lua {

enum class call_outcome : uint8_t {
  matched,
  not_matched,
  runtime_error,      // the script raised, or returned something other than a boolean or nil
  instruction_limit,  // ran out of its instruction budget
  memory_limit,       // its state could not get more memory
};

struct call_result {
  call_outcome outcome = call_outcome::not_matched;
  located_error error;  // for the three errors
};

class filter_state {
 public:
  // Open the sandbox, load the script and run its top level once under the budgets, keeping
  // the function it returns. Throws sdk::plugin_error(BERTH_E_INVALID, "col N: ...").
  static std::unique_ptr<filter_state> create(const script_source& source, const budgets& limits);
  ~filter_state();
  filter_state(const filter_state&) = delete;
  filter_state& operator=(const filter_state&) = delete;

  // Run the script's function on `message`. Never throws (but for std::bad_alloc).
  [[nodiscard]] call_result call(const berth_message_view& message);

  // After a failed call: collect everything, then say whether the state is still fit for use
  // (false when what the script keeps holds over half of the memory the cap leaves it).
  [[nodiscard]] bool recover() noexcept;

  [[nodiscard]] size_t memory_used() const noexcept { return context_.memory.used; }

 private:
  filter_state(const script_source& source, const budgets& limits);
  void run_top_level(const script_source& source);
  [[nodiscard]] call_result failure(int status) const;

  state_context context_;  // its address is in the state: never moves
  std::string chunk_name_;
  size_t baseline_memory_ = 0;  // held right after the top level ran
  lua_State* L_ = nullptr;      // stack: [1] the script's function, [2] msg
};

}  // namespace berth::plugins::filter_lua
