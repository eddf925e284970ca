// The environment a filter script runs in. Everything the script can name is listed here;
// anything else (io, os, require, package, load, loadstring, dofile, loadfile, debug,
// collectgarbage, rawset, coroutine, print, ...) raises "'<name>' is not available in a
// filter" when read.
//
//   base    assert error ipairs next pairs pcall select tonumber tostring type rawequal rawget
//           rawlen setmetatable getmetatable _VERSION (pcall and setmetatable guarded)
//   string  see restricted_string.hpp
//   table   concat insert remove sort unpack pack
//   math    all of it;  utf8  all of it
//
// Globals and library tables are read-only views; the string metatable's __index is the
// restricted string table and getmetatable("") answers false.
#pragma once

#include "lua_api.hpp"

namespace berth::plugins::filter_lua {

// Open the libraries the sandbox draws from and push the script's frozen _ENV. Protected.
void push_sandbox(lua_State* L);

}  // namespace berth::plugins::filter_lua
