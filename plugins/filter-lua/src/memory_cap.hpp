// The allocator of every Lua state: Lua's usual realloc/free, refusing to grow a state past its
// limit. Lua answers a refusal with an emergency collection and, if that is not enough, a
// memory error the call cannot survive.
#pragma once

#include <cstddef>

namespace berth::plugins::filter_lua {

struct memory_cap {
  size_t limit = 0;
  size_t used = 0;  // bytes the state holds now
};

// A lua_Alloc; `ud` is the state's memory_cap.
void* capped_alloc(void* ud, void* block, size_t old_size, size_t new_size) noexcept;

}  // namespace berth::plugins::filter_lua
