#include "memory_cap.hpp"

#include <cstdlib>

namespace berth::plugins::filter_lua {

void* capped_alloc(void* ud, void* block, size_t old_size, size_t new_size) noexcept {
  auto& cap = *static_cast<memory_cap*>(ud);
  // Without a block, old_size is the kind of object Lua is making, not a size.
  const size_t held = block == nullptr ? 0 : old_size;
  if (new_size == 0) {
    std::free(block);
    cap.used -= held;
    return nullptr;
  }
  // Lua counts on shrinking never failing; only growth is checked.
  if (new_size > held && new_size - held > cap.limit - cap.used) return nullptr;
  void* moved = std::realloc(block, new_size);
  if (moved == nullptr) return nullptr;
  cap.used = cap.used - held + new_size;
  return moved;
}

}  // namespace berth::plugins::filter_lua
