// The string library as a filter sees it, both as the global `string` and through the string
// metatable (`("x"):upper()`): byte char find format len lower upper rep reverse sub.
// Left out: match, gmatch and gsub (a Lua pattern can backtrack for minutes inside one VM
// instruction, out of the instruction budget's sight) and dump (bytecode). `find` searches
// plain text only, whatever its 4th argument says, in linear time; `rep` of an empty string
// is answered at once instead of looping `n` times.
#pragma once

#include "lua_api.hpp"

namespace berth::plugins::filter_lua {

// Push the restricted table, built from the real string library at `real`. Protected.
void push_restricted_string(lua_State* L, int real);

}  // namespace berth::plugins::filter_lua
