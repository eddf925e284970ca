#include "token.hpp"

namespace berth::plugins::filter_sql {

std::string describe(const token& t) {
  switch (t.kind) {
    case token_kind::end: return "the end of the expression";
    case token_kind::identifier: return "the property " + std::string(t.text);
    case token_kind::integer:
    case token_kind::floating: return "the number " + std::string(t.text);
    case token_kind::string: return "the string " + std::string(t.text);
    default: return "'" + std::string(t.text) + "'";
  }
}

}  // namespace berth::plugins::filter_sql
