#include "restricted_string.hpp"

#include <array>
#include <string.h>  // memmem (glibc): two-way search, linear in the text

namespace berth::plugins::filter_lua {
namespace {

// Lua's rule for a start position: negative counts from the end; out of range is clamped.
size_t start_index(lua_Integer position, size_t length) {
  if (position > 0) return static_cast<size_t>(position) - 1;
  if (position == 0 || -position > static_cast<lua_Integer>(length)) return 0;
  return length - static_cast<size_t>(-position);
}

// string.find(s, text [, init]): the 1-based first and last byte of the first occurrence of
// `text` in `s` at or after `init`, or nil.
int plain_find(lua_State* L) {
  size_t length = 0;
  size_t needle_length = 0;
  const char* haystack = luaL_checklstring(L, 1, &length);
  const char* needle = luaL_checklstring(L, 2, &needle_length);
  const size_t start = start_index(luaL_optinteger(L, 3, 1), length);
  if (start > length) {
    lua_pushnil(L);
    return 1;
  }
  const void* found = needle_length == 0
                          ? haystack + start
                          : memmem(haystack + start, length - start, needle, needle_length);
  if (found == nullptr) {
    lua_pushnil(L);
    return 1;
  }
  const auto first = static_cast<lua_Integer>(static_cast<const char*>(found) - haystack) + 1;
  lua_pushinteger(L, first);
  lua_pushinteger(L, first + static_cast<lua_Integer>(needle_length) - 1);
  return 2;
}

// string.rep(s, n [, sep]) over the real one (upvalue 1), which would spin n times on an
// empty string and separator.
int bounded_rep(lua_State* L) {
  size_t length = 0;
  size_t separator_length = 0;
  luaL_checklstring(L, 1, &length);
  const lua_Integer times = luaL_checkinteger(L, 2);
  luaL_optlstring(L, 3, "", &separator_length);
  if (times <= 0 || length + separator_length == 0) {
    lua_pushliteral(L, "");
    return 1;
  }
  lua_settop(L, 3);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, 3, 1);
  return 1;
}

constexpr std::array kCopied{"byte", "char", "format", "len", "lower", "upper", "reverse", "sub"};

}  // namespace

void push_restricted_string(lua_State* L, int real) {
  real = lua_absindex(L, real);
  lua_createtable(L, 0, static_cast<int>(kCopied.size()) + 2);
  for (const char* name : kCopied) {
    lua_getfield(L, real, name);
    lua_setfield(L, -2, name);
  }
  lua_pushcfunction(L, &plain_find);
  lua_setfield(L, -2, "find");
  lua_getfield(L, real, "rep");
  lua_pushcclosure(L, &bounded_rep, 1);
  lua_setfield(L, -2, "rep");
}

}  // namespace berth::plugins::filter_lua
