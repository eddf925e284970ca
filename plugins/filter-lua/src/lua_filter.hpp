// The lua filter plugin: one per [[filter]] table. Compiles an expression, either a client's
// Lua script or "@name" for one of the operator's named scripts, into a lua_script.
// compile() runs on any thread, concurrently.
#pragma once

#include "error_counters.hpp"
#include "filter_config.hpp"
#include "lua_script.hpp"
#include "named_scripts.hpp"

#include <berth/plugin/filter.hpp>

#include <memory>
#include <string_view>

namespace berth::plugins::filter_lua {

class lua_filter final : public sdk::filter_plugin {
 public:
  // Reads the config and compiles every named script once; a broken one fails creation.
  explicit lua_filter(const sdk::host& host);

  std::unique_ptr<sdk::compiled_filter> compile(std::string_view expression) override;

 private:
  [[nodiscard]] std::unique_ptr<lua_script> compile_named(std::string_view name) const;
  [[nodiscard]] std::unique_ptr<lua_script> compile_client(std::string_view text) const;
  [[nodiscard]] std::unique_ptr<lua_script> make(script_source source) const;
  void check_size(std::string_view text) const;
  void check_named_scripts() const;

  const sdk::host& host_;
  const filter_config config_;
  const error_counters counters_;
  const named_scripts named_;
};

}  // namespace berth::plugins::filter_lua
