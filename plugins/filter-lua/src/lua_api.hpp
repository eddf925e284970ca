// Lua 5.4's C API, with C linkage. Lua reports errors by longjmp: a C function Lua calls, or
// any frame between a lua_pcall and the code that raises, must hold no object with a
// destructor (only pointers, integers and string_views).
#pragma once

#include <lua.hpp>
