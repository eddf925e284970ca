#include "operand.hpp"

namespace berth::plugins::filter_sql {
namespace {

// Long sources are cut so that the message stays readable.
std::string shortened(std::string_view source) {
  constexpr size_t longest = 40;
  if (source.size() <= longest) return std::string(source);
  return std::string(source.substr(0, longest)) + "...";
}

}  // namespace

std::string describe(const operand& o) {
  switch (o.kind) {
    case operand_kind::property: return "the property " + shortened(o.source);
    case operand_kind::condition: return "the condition " + shortened(o.source);
    case operand_kind::constant: break;
  }
  switch (o.type) {
    case value_type::string: return "the string " + shortened(o.source);
    case value_type::boolean:
    case value_type::null: return shortened(o.source);
    default: return "the number " + shortened(o.source);
  }
}

}  // namespace berth::plugins::filter_sql
