#include "sandbox.hpp"

#include "guarded_base.hpp"
#include "read_only.hpp"
#include "restricted_string.hpp"

#include <array>

namespace berth::plugins::filter_lua {
namespace {

constexpr std::array kBaseFunctions{"assert", "error",    "ipairs", "next",     "pairs",
                                    "select", "tonumber", "tostring", "type",   "rawequal",
                                    "rawget", "rawlen",   "getmetatable", "_VERSION"};
constexpr std::array kTableFunctions{"concat", "insert", "remove", "sort", "unpack", "pack"};

// Push a library as luaopen_<name> makes it, without making it a global.
int open_library(lua_State* L, const char* name, lua_CFunction open) {
  luaL_requiref(L, name, open, 0);
  return lua_gettop(L);
}

void copy_fields(lua_State* L, int from, int to, const auto& names) {
  for (const char* name : names) {
    lua_getfield(L, from, name);
    lua_setfield(L, to, name);
  }
}

// Put a read-only view of the table at `real` into the globals at `globals` as `name`.
void expose_library(lua_State* L, int globals, int real, const char* name) {
  lua_pushfstring(L, "%s.", name);
  refuse_missing_keys(L, real, lua_tostring(L, -1));
  lua_pop(L, 1);
  push_library_view(L, real, name);
  lua_setfield(L, globals, name);
}

// The string metatable reads from the restricted table at `restricted` and is not handed out.
void restrict_string_metatable(lua_State* L, int restricted) {
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushvalue(L, restricted);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 2);
}

}  // namespace

void push_sandbox(lua_State* L) {
  const int base = open_library(L, "_G", &luaopen_base);
  const int string = open_library(L, LUA_STRLIBNAME, &luaopen_string);
  const int table = open_library(L, LUA_TABLIBNAME, &luaopen_table);
  const int math = open_library(L, LUA_MATHLIBNAME, &luaopen_math);
  const int utf8 = open_library(L, LUA_UTF8LIBNAME, &luaopen_utf8);

  lua_newtable(L);
  const int globals = lua_gettop(L);
  copy_fields(L, base, globals, kBaseFunctions);
  lua_pushcfunction(L, &guarded_pcall);
  lua_setfield(L, globals, "pcall");
  lua_getfield(L, base, "setmetatable");
  lua_pushcclosure(L, &guarded_setmetatable, 1);
  lua_setfield(L, globals, "setmetatable");

  push_restricted_string(L, string);
  const int restricted_string = lua_gettop(L);
  restrict_string_metatable(L, restricted_string);
  expose_library(L, globals, restricted_string, "string");

  lua_createtable(L, 0, static_cast<int>(kTableFunctions.size()));
  const int restricted_table = lua_gettop(L);
  copy_fields(L, table, restricted_table, kTableFunctions);
  expose_library(L, globals, restricted_table, "table");

  expose_library(L, globals, math, "math");
  expose_library(L, globals, utf8, "utf8");

  refuse_missing_keys(L, globals, "");
  push_frozen_globals(L, globals);
  lua_replace(L, base);  // leave only the environment, where the libraries were
  lua_settop(L, base);
}

}  // namespace berth::plugins::filter_lua
