#include "guarded_base.hpp"

#include "state_context.hpp"

namespace berth::plugins::filter_lua {

int guarded_pcall(lua_State* L) {
  luaL_checkany(L, 1);
  lua_pushboolean(L, 1);  // the first result when the call succeeds
  lua_insert(L, 1);
  const int status = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
  if (status == LUA_OK) return lua_gettop(L);
  state_context& context = context_of(L);
  if (status == LUA_ERRMEM && context.aborted == abort_reason::none) {
    context.aborted = abort_reason::memory_limit;
  }
  if (context.aborted != abort_reason::none) return lua_error(L);
  lua_pushboolean(L, 0);
  lua_insert(L, -2);
  return 2;
}

int guarded_setmetatable(lua_State* L) {
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    const bool finalizer = lua_rawget(L, 2) != LUA_TNIL;
    lua_pop(L, 1);
    if (finalizer) return luaL_error(L, "a metatable with __gc is not allowed in a filter");
  }
  lua_settop(L, 2);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, 2, 1);
  return 1;
}

}  // namespace berth::plugins::filter_lua
