#include "message_userdata.hpp"

#include <string_view>

namespace berth::plugins::filter_lua {
namespace {

const berth_message_view& current(lua_State* L, const message_slot* slot) {
  if (slot->view == nullptr) luaL_error(L, "msg is valid only during the call it was passed to");
  return *slot->view;
}

std::string_view key_of(lua_State* L, const char* owner) {
  if (lua_type(L, 2) != LUA_TSTRING) luaL_error(L, "%s has no %s keys", owner, luaL_typename(L, 2));
  size_t length = 0;
  const char* key = lua_tolstring(L, 2, &length);
  return {key, length};
}

void push_text(lua_State* L, berth_str text) { lua_pushlstring(L, text.len == 0 ? "" : text.ptr, text.len); }

void push_text_or_nil(lua_State* L, berth_str text) {
  if (text.len == 0) lua_pushnil(L);
  else lua_pushlstring(L, text.ptr, text.len);
}

void push_unsigned(lua_State* L, uint64_t value) { lua_pushinteger(L, static_cast<lua_Integer>(value)); }

// __index of msg: upvalue-free; the properties proxy is the userdata's user value 1.
int message_index(lua_State* L) {
  const auto* slot = static_cast<const message_slot*>(lua_touserdata(L, 1));
  const berth_message_view& m = current(L, slot);
  const std::string_view key = key_of(L, "msg");
  if (key == "topic") push_text(L, m.topic);
  else if (key == "tag") push_text_or_nil(L, m.tags);
  else if (key == "keys") push_text_or_nil(L, m.keys);
  else if (key == "properties") lua_getiuservalue(L, 1, 1);
  else if (key == "body_size") push_unsigned(L, m.body.len);
  else if (key == "queue_id") push_unsigned(L, m.queue_id);
  else if (key == "queue_offset") push_unsigned(L, m.queue_offset);
  else if (key == "reconsume_times") push_unsigned(L, m.reconsume_times);
  else if (key == "born_time_ms") lua_pushinteger(L, m.born_time_ms);
  else if (key == "store_time_ms") lua_pushinteger(L, m.store_time_ms);
  else if (key == "message_id") push_text(L, m.message_id);
  else return luaL_error(L, "msg has no field '%s'", key.data());
  return 1;
}

// __index of msg.properties: the userdata holds the msg's slot.
int property_index(lua_State* L) {
  const message_slot* slot = *static_cast<message_slot* const*>(lua_touserdata(L, 1));
  const berth_message_view& m = current(L, slot);
  const std::string_view name = key_of(L, "msg.properties");
  for (uint32_t i = 0; i < m.property_count; ++i) {
    const berth_property& property = m.properties[i];
    if (std::string_view(property.name.ptr, property.name.len) == name) {
      push_text(L, property.value);
      return 1;
    }
  }
  lua_pushnil(L);
  return 1;
}

int refuse_write(lua_State* L) {
  return luaL_error(L, "%s is read-only", lua_tostring(L, lua_upvalueindex(1)));
}

// Give the userdata on top a metatable: reads through `index`, writes refused, hidden.
void set_metatable(lua_State* L, lua_CFunction index, const char* name) {
  lua_createtable(L, 0, 4);
  lua_pushcfunction(L, index);
  lua_setfield(L, -2, "__index");
  lua_pushstring(L, name);
  lua_pushcclosure(L, &refuse_write, 1);
  lua_setfield(L, -2, "__newindex");
  lua_pushstring(L, name);
  lua_setfield(L, -2, "__name");  // what error messages call it
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
}

}  // namespace

message_slot* push_message_userdata(lua_State* L) {
  auto* slot = static_cast<message_slot*>(lua_newuserdatauv(L, sizeof(message_slot), 1));
  slot->view = nullptr;
  set_metatable(L, &message_index, "msg");

  auto* properties = static_cast<message_slot**>(lua_newuserdatauv(L, sizeof(message_slot*), 0));
  *properties = slot;
  set_metatable(L, &property_index, "msg.properties");
  lua_setiuservalue(L, -2, 1);
  return slot;
}

}  // namespace berth::plugins::filter_lua
