// A program as an S-expression, e.g. (or (= a 1) (and (> b 2) (not (cast c)))): how tests
// check what the parser built (precedence, folding, flattening), and a debugging aid.
#pragma once

#include "program.hpp"

#include <string>

namespace berth::plugins::filter_sql {

[[nodiscard]] std::string to_text(const program& compiled);

}  // namespace berth::plugins::filter_sql
