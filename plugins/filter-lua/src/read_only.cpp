#include "read_only.hpp"

namespace berth::plugins::filter_lua {
namespace {

// __index of a real table: upvalue 1 is the prefix naming it.
int refuse_missing_key(lua_State* L) {
  const char* prefix = lua_tostring(L, lua_upvalueindex(1));
  if (lua_type(L, 2) != LUA_TSTRING) {
    return luaL_error(L, "'%s' has no %s keys", prefix, luaL_typename(L, 2));
  }
  return luaL_error(L, "'%s%s' is not available in a filter", prefix, lua_tostring(L, 2));
}

// __newindex of a library view: upvalue 1 is the library's name.
int refuse_library_write(lua_State* L) {
  return luaL_error(L, "'%s' is read-only in a filter", lua_tostring(L, lua_upvalueindex(1)));
}

// __newindex of the globals.
int refuse_global_write(lua_State* L) {
  if (lua_type(L, 2) != LUA_TSTRING) return luaL_error(L, "globals are read-only in a filter");
  return luaL_error(L, "assigning the global '%s' is not allowed in a filter (globals are "
                       "read-only: use a local)", lua_tostring(L, 2));
}

// Push an empty table whose metatable reads from `real` and writes through `on_write`
// (a closure over `name`), and whose metatable getmetatable() does not reveal.
void push_view(lua_State* L, int real, lua_CFunction on_write, const char* name) {
  real = lua_absindex(L, real);
  lua_newtable(L);
  lua_createtable(L, 0, 3);
  lua_pushvalue(L, real);
  lua_setfield(L, -2, "__index");
  lua_pushstring(L, name);
  lua_pushcclosure(L, on_write, 1);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
}

}  // namespace

void refuse_missing_keys(lua_State* L, int real, const char* prefix) {
  real = lua_absindex(L, real);
  lua_createtable(L, 0, 2);
  lua_pushstring(L, prefix);
  lua_pushcclosure(L, &refuse_missing_key, 1);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, real);
}

void push_library_view(lua_State* L, int real, const char* name) {
  push_view(L, real, &refuse_library_write, name);
}

void push_frozen_globals(lua_State* L, int real) {
  push_view(L, real, &refuse_global_write, "_ENV");
}

}  // namespace berth::plugins::filter_lua
