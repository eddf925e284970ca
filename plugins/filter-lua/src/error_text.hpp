// Lua's error messages made readable for operators and for compile errors. Lua prefixes a
// message with "<chunk name>:<line>:"; the filter reports "line <n>: ..." instead, and a
// compile error as "col <N>: line <n>: ..." where N is the 1-based byte column, within the
// whole expression, of the start of that line (Lua reports lines only).
#pragma once

#include <string>
#include <string_view>

namespace berth::plugins::filter_lua {

struct located_error {
  int line = 0;  // 0: Lua named no line of the script
  std::string text;
};

// Split Lua's "<chunk_name>:<line>: text" (other messages are kept whole, line 0).
[[nodiscard]] located_error locate(std::string_view message, std::string_view chunk_name);

// "line 2: text", or the text alone without a line.
[[nodiscard]] std::string describe(const located_error& error);

// The 1-based byte column in `script` where line `line` starts, counting line breaks as Lua
// does (\n, \r, \r\n and \n\r each end one line). Line 0 or past the end: column 1.
[[nodiscard]] size_t column_of_line(std::string_view script, int line);

// "col N: line L: text" for a compile error in `script`.
[[nodiscard]] std::string compile_error_text(std::string_view script, const located_error& error);

}  // namespace berth::plugins::filter_lua
