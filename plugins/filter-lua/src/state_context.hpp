// What the plugin keeps beside each lua_State: its memory account, its instruction budget and
// why the current call was aborted. Reached from C functions through the state's extra space.
#pragma once

#include "lua_api.hpp"
#include "memory_cap.hpp"

#include <cstdint>
#include <cstring>

namespace berth::plugins::filter_lua {

// A budget the script ran out of. Budgets are not the script's to catch: pcall re-raises.
enum class abort_reason : uint8_t { none, instruction_limit, memory_limit };

struct message_slot;

struct state_context {
  memory_cap memory;
  int instruction_limit = 0;
  abort_reason aborted = abort_reason::none;
  message_slot* message = nullptr;  // the state's one msg userdata
};

inline void attach_context(lua_State* L, state_context* context) noexcept {
  std::memcpy(lua_getextraspace(L), &context, sizeof context);
}

inline state_context& context_of(lua_State* L) noexcept {
  state_context* context = nullptr;
  std::memcpy(&context, lua_getextraspace(L), sizeof context);
  return *context;
}

}  // namespace berth::plugins::filter_lua
