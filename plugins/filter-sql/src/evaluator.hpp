// Evaluates a compiled program against one message: three-valued (TRUE, FALSE, NULL) plus the
// error state of a failed conversion. Recursion is bounded by the program's depth, which the
// parser held to max_depth. No allocation; const on the program, so any number of threads may
// evaluate one program at once.
#pragma once

#include "program.hpp"
#include "value.hpp"

#include <berth/plugin/message.hpp>

namespace berth::plugins::filter_sql {

// The condition's value for `message`: a boolean, null or error (never another type, since the
// parser only accepts conditions as the whole expression).
[[nodiscard]] value evaluate(const program& compiled, const sdk::message& message) noexcept;

}  // namespace berth::plugins::filter_sql
