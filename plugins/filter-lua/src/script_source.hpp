// The text of one filter script and the name Lua gives it in messages.
#pragma once

#include <string>

namespace berth::plugins::filter_lua {

struct script_source {
  std::string text;
  std::string chunk_name;  // "script" for a client's, "<name>.lua" for a named script
  std::string label;       // how log lines name it: "@name" or the start of the text
};

}  // namespace berth::plugins::filter_lua
