// The library's one exported symbol: the descriptor of the "lua" filter.
#include "filter_config.hpp"
#include "lua_filter.hpp"

BERTH_DEFINE_FILTER_PLUGIN(berth::plugins::filter_lua::lua_filter, "lua", "0.1.0",
                           "Lua 5.4 scripts over the message, sandboxed and budgeted",
                           berth::plugins::filter_lua::config_schema)
