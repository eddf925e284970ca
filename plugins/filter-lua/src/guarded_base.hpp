// Base functions the sandbox replaces with guarded versions.
//   pcall         catches the script's errors but not a spent budget: after an instruction or
//                 memory abort it raises again, so `while true do pcall(f) end` still ends.
//   setmetatable  refuses a metatable with __gc: a finalizer would run Lua code outside any
//                 call, during a collection the plugin starts.
#pragma once

#include "lua_api.hpp"

namespace berth::plugins::filter_lua {

int guarded_pcall(lua_State* L);

// A closure over the real setmetatable (upvalue 1).
int guarded_setmetatable(lua_State* L);

}  // namespace berth::plugins::filter_lua
