#include "error_text.hpp"

#include <charconv>

namespace berth::plugins::filter_lua {

located_error locate(std::string_view message, std::string_view chunk_name) {
  located_error error{0, std::string(message)};
  if (message.size() <= chunk_name.size() + 1 || !message.starts_with(chunk_name) ||
      message[chunk_name.size()] != ':') {
    return error;
  }
  const std::string_view rest = message.substr(chunk_name.size() + 1);
  int line = 0;
  const auto [end, failure] = std::from_chars(rest.data(), rest.data() + rest.size(), line);
  if (failure != std::errc{} || end == rest.data() || end == rest.data() + rest.size() ||
      *end != ':') {
    return error;
  }
  std::string_view text(end + 1, static_cast<size_t>(rest.data() + rest.size() - (end + 1)));
  if (text.starts_with(' ')) text.remove_prefix(1);
  return located_error{line, std::string(text)};
}

std::string describe(const located_error& error) {
  if (error.line <= 0) return error.text;
  return "line " + std::to_string(error.line) + ": " + error.text;
}

size_t column_of_line(std::string_view script, int line) {
  int current = 1;
  size_t i = 0;
  while (current < line && i < script.size()) {
    const char c = script[i++];
    if (c != '\n' && c != '\r') continue;
    // A pair of different line-break characters ends one line.
    if (i < script.size() && (script[i] == '\n' || script[i] == '\r') && script[i] != c) ++i;
    ++current;
  }
  return current == line ? i + 1 : 1;
}

std::string compile_error_text(std::string_view script, const located_error& error) {
  return "col " + std::to_string(column_of_line(script, error.line)) + ": " + describe(error);
}

}  // namespace berth::plugins::filter_lua
