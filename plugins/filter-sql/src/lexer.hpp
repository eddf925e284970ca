// Splits an expression into tokens. Whitespace, "-- line" comments (to the end of the line or
// of the text) and "/* block */" comments separate tokens. Throws compile errors
// ("col N: ...") for an unterminated string or comment, a character outside the grammar or a
// malformed number.
#pragma once

#include "token.hpp"

#include <string_view>
#include <vector>

namespace berth::plugins::filter_sql {

// Every token of `text`, ending with one token_kind::end whose column is one past the text.
[[nodiscard]] std::vector<token> tokenize(std::string_view text);

}  // namespace berth::plugins::filter_sql
