// The per-call instruction budget: a count hook that fires once the call has run its limit of
// VM instructions and aborts it. C functions run inside one instruction, which is why the
// sandbox leaves out those that can run for long on little memory (Lua patterns).
#pragma once

#include "lua_api.hpp"

namespace berth::plugins::filter_lua {

// Start a fresh budget of the state's instruction_limit; call before every call into Lua.
void arm_instruction_budget(lua_State* L) noexcept;

}  // namespace berth::plugins::filter_lua
