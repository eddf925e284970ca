// The one shape of a compile error: plugin_error(BERTH_E_INVALID, "col N: <what is wrong>")
// with N the 1-based byte column of the offending token.
#pragma once

#include <berth/plugin/error.hpp>

#include <cstdint>
#include <string>

namespace berth::plugins::filter_sql {

[[noreturn]] inline void fail_at(uint32_t column, const std::string& what) {
  throw sdk::plugin_error(BERTH_E_INVALID, "col " + std::to_string(column) + ": " + what);
}

}  // namespace berth::plugins::filter_sql
