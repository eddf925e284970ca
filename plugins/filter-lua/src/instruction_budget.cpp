#include "instruction_budget.hpp"

#include "state_context.hpp"

namespace berth::plugins::filter_lua {
namespace {

void on_budget_spent(lua_State* L, lua_Debug* /*where*/) {
  state_context& context = context_of(L);
  context.aborted = abort_reason::instruction_limit;
  luaL_where(L, 0);  // the interrupted function's line
  lua_pushfstring(L, "%sinstruction budget of %d exceeded", lua_tostring(L, -1),
                  context.instruction_limit);
  lua_error(L);
}

}  // namespace

void arm_instruction_budget(lua_State* L) noexcept {
  // Setting the hook again restarts its count.
  lua_sethook(L, &on_budget_spent, LUA_MASKCOUNT, context_of(L).instruction_limit);
}

}  // namespace berth::plugins::filter_lua
