// Read-only views of tables for the script: the library tables it may use and its frozen
// globals. A view is an empty table whose metatable reads through to the real table (a table
// __index: the VM's fast path), refuses every write and hides itself from getmetatable. The
// real table answers a missing key with an error, so a typo or a forbidden name fails loudly.
// All of these run inside a protected call (they allocate).
#pragma once

#include "lua_api.hpp"

namespace berth::plugins::filter_lua {

// Make reading a missing key of the table at `real` raise "'<prefix><key>' is not available
// in a filter" (prefix "string." for a library, "" for the globals).
void refuse_missing_keys(lua_State* L, int real, const char* prefix);

// Push a read-only view of the library table at `real`; writes raise "'<name>' is read-only".
void push_library_view(lua_State* L, int real, const char* name);

// Push the frozen global environment over the table at `real`; assigning a global raises.
void push_frozen_globals(lua_State* L, int real);

}  // namespace berth::plugins::filter_lua
