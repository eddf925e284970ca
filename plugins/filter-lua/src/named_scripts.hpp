// The operator's named scripts: every <name>.lua file directly in script_dir, read at start.
// A subscription selects one with the expression "@name".
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace berth::plugins::filter_lua {

class named_scripts {
 public:
  named_scripts() = default;

  // Read `dir` ("" = none; relative to the working directory). Throws sdk::plugin_error when
  // it is not a readable folder or a file cannot be read.
  [[nodiscard]] static named_scripts load(const std::string& dir);

  // The text of script `name`, or nullptr.
  [[nodiscard]] const std::string* find(std::string_view name) const;
  // "a, b, c", or "none" when there are no named scripts.
  [[nodiscard]] std::string names() const;
  [[nodiscard]] const std::map<std::string, std::string, std::less<>>& all() const { return scripts_; }
  [[nodiscard]] const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::map<std::string, std::string, std::less<>> scripts_;  // name -> text
};

}  // namespace berth::plugins::filter_lua
