#include "lua_filter.hpp"

#include <berth/plugin/error.hpp>


namespace berth::plugins::filter_lua {
namespace {

constexpr size_t kLabelBytes = 48;

std::string_view trimmed(std::string_view text) {
  constexpr std::string_view blanks = " \t\r\n";
  const size_t first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

// How log lines name a client's script: its start, on one line, blanks collapsed.
std::string label_of(std::string_view text) {
  std::string label;
  bool blank = false;
  for (const char c : trimmed(text)) {
    const bool is_blank = c == ' ' || c == '\n' || c == '\r' || c == '\t';
    if (!is_blank) {
      if (blank) label += ' ';
      if (label.size() >= kLabelBytes) return "script \"" + label.substr(0, kLabelBytes) + "...\"";
      label += c;
    }
    blank = is_blank;
  }
  return "script \"" + label + "\"";
}

[[noreturn]] void refuse(size_t column, const std::string& what) {
  throw sdk::plugin_error(BERTH_E_INVALID, "col " + std::to_string(column) + ": " + what);
}

}  // namespace

lua_filter::lua_filter(const sdk::host& host)
    : host_(host), config_(read_config(host)), counters_(error_counters::register_with(host)),
      named_(named_scripts::load(config_.script_dir)) {
  check_named_scripts();
}

void lua_filter::check_named_scripts() const {
  for (const auto& [name, text] : named_.all()) {
    const std::string file = named_.dir() + "/" + name + ".lua";
    try {
      check_size(text);
      static_cast<void>(filter_state::create({text, name + ".lua", "@" + name}, config_.limits));
    } catch (const sdk::plugin_error& e) {
      throw sdk::plugin_error(BERTH_E_INVALID, "named script '" + file + "': " + e.what());
    }
  }
  if (!named_.all().empty()) {
    host_.info("lua filter: ", named_.all().size(), " named scripts from '", named_.dir(), "': ",
               named_.names());
  }
}

std::unique_ptr<sdk::compiled_filter> lua_filter::compile(std::string_view expression) {
  const std::string_view what = trimmed(expression);
  if (what.starts_with('@')) return compile_named(trimmed(what.substr(1)));
  return compile_client(expression);
}

std::unique_ptr<lua_script> lua_filter::compile_named(std::string_view name) const {
  const std::string* text = named_.find(name);
  if (text == nullptr) {
    refuse(1, "no named script '" + std::string(name) + "'; available: " + named_.names());
  }
  return make({*text, std::string(name) + ".lua", "@" + std::string(name)});
}

std::unique_ptr<lua_script> lua_filter::compile_client(std::string_view text) const {
  if (!config_.allow_client_scripts) {
    refuse(1, "client scripts are not accepted here (allow_client_scripts = false); use a "
              "named script: @name, one of: " + named_.names());
  }
  check_size(text);
  return make({std::string(text), "script", label_of(text)});
}

std::unique_ptr<lua_script> lua_filter::make(script_source source) const {
  return std::make_unique<lua_script>(host_, counters_, config_.error_log_interval,
                                      std::move(source), config_.limits);
}

void lua_filter::check_size(std::string_view text) const {
  if (text.size() > config_.max_script_bytes) {
    refuse(config_.max_script_bytes + 1,
           "the script is " + std::to_string(text.size()) + " bytes, over max_script_bytes (" +
               std::to_string(config_.max_script_bytes) + ")");
  }
}

}  // namespace berth::plugins::filter_lua
