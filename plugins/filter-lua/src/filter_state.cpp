#include "filter_state.hpp"

#include "instruction_budget.hpp"
#include "message_userdata.hpp"
#include "sandbox.hpp"

#include <berth/plugin/error.hpp>

namespace berth::plugins::filter_lua {
namespace {

// What prepare() needs, passed as a light userdata: plain pointers only (Lua may longjmp).
struct prepare_args {
  const char* text;
  size_t size;
  const char* chunk_name;  // "=<name>": Lua uses it as is in messages
};

// Protected: build msg and the sandbox, load the script as text (never bytecode), give it the
// frozen _ENV and run its top level. Leaves [1] msg [2] what the top level returned.
int prepare(lua_State* L) {
  const auto* args = static_cast<const prepare_args*>(lua_touserdata(L, 1));
  lua_settop(L, 0);
  context_of(L).message = push_message_userdata(L);
  push_sandbox(L);
  if (luaL_loadbufferx(L, args->text, args->size, args->chunk_name, "t") != LUA_OK) {
    return lua_error(L);
  }
  lua_insert(L, 2);
  lua_setupvalue(L, 2, 1);  // the chunk's one upvalue is its _ENV
  lua_call(L, 0, 1);
  return 2;
}

// Longer error texts are cut: they end up in log lines.
constexpr size_t kMaxErrorText = 1000;

std::string error_object_text(lua_State* L, int index) {
  if (lua_type(L, index) != LUA_TSTRING) {
    return std::string("error object is a ") + luaL_typename(L, index) + " value";
  }
  size_t length = 0;
  const char* text = lua_tolstring(L, index, &length);
  if (length <= kMaxErrorText) return {text, length};
  return std::string(text, kMaxErrorText) + "...";
}

call_result verdict(lua_State* L, int index) {
  switch (lua_type(L, index)) {
    case LUA_TBOOLEAN:
      return {lua_toboolean(L, index) != 0 ? call_outcome::matched : call_outcome::not_matched, {}};
    case LUA_TNIL:
      return {call_outcome::not_matched, {}};
    default:
      return {call_outcome::runtime_error,
              {0, std::string("the function returned a ") + luaL_typename(L, index) +
                      " value: return true or false"}};
  }
}

}  // namespace

filter_state::filter_state(const script_source& source, const budgets& limits)
    : chunk_name_(source.chunk_name) {
  context_.memory.limit = limits.memory_limit;
  context_.instruction_limit = limits.instruction_limit;
}

filter_state::~filter_state() {
  if (L_ != nullptr) lua_close(L_);
}

std::unique_ptr<filter_state> filter_state::create(const script_source& source,
                                                   const budgets& limits) {
  std::unique_ptr<filter_state> state(new filter_state(source, limits));
  state->L_ = lua_newstate(&capped_alloc, &state->context_.memory);
  if (state->L_ == nullptr) {
    throw sdk::plugin_error(BERTH_E_INVALID, "col 1: memory_limit of " +
                                                 std::to_string(limits.memory_limit) +
                                                 " bytes is too small for a Lua state");
  }
  attach_context(state->L_, &state->context_);
  state->run_top_level(source);
  return state;
}

void filter_state::run_top_level(const script_source& source) {
  const std::string chunk_name = "=" + chunk_name_;
  prepare_args args{source.text.data(), source.text.size(), chunk_name.c_str()};
  lua_pushcfunction(L_, &prepare);
  lua_pushlightuserdata(L_, &args);
  arm_instruction_budget(L_);
  const int status = lua_pcall(L_, 1, 2, 0);
  if (status != LUA_OK) {
    throw sdk::plugin_error(BERTH_E_INVALID, compile_error_text(source.text, failure(status).error));
  }
  if (lua_type(L_, 2) != LUA_TFUNCTION) {
    throw sdk::plugin_error(BERTH_E_INVALID, "col 1: the script must return a function(msg)");
  }
  lua_insert(L_, 1);
  lua_gc(L_, LUA_GCCOLLECT);
  baseline_memory_ = context_.memory.used;
}

call_result filter_state::call(const berth_message_view& message) {
  context_.aborted = abort_reason::none;
  context_.message->view = &message;
  lua_settop(L_, 2);
  lua_pushvalue(L_, 1);
  lua_pushvalue(L_, 2);
  arm_instruction_budget(L_);
  const int status = lua_pcall(L_, 1, 1, 0);
  context_.message->view = nullptr;
  call_result result = status == LUA_OK ? verdict(L_, -1) : failure(status);
  lua_settop(L_, 2);
  return result;
}

call_result filter_state::failure(int status) const {
  if (context_.aborted == abort_reason::instruction_limit) {
    return {call_outcome::instruction_limit, locate(error_object_text(L_, -1), chunk_name_)};
  }
  if (status == LUA_ERRMEM || context_.aborted == abort_reason::memory_limit) {
    return {call_outcome::memory_limit,
            {0, "memory_limit of " + std::to_string(context_.memory.limit) + " bytes exceeded"}};
  }
  return {call_outcome::runtime_error, locate(error_object_text(L_, -1), chunk_name_)};
}

bool filter_state::recover() noexcept {
  lua_gc(L_, LUA_GCCOLLECT);
  const size_t room = context_.memory.limit - baseline_memory_;
  return context_.memory.used <= baseline_memory_ + room / 2;
}

}  // namespace berth::plugins::filter_lua
