// Fuzzes the SQL92 filter's compiler: arbitrary bytes as an expression. compile must either
// build a program or refuse with "col N: ..." (N within the text + 1), never crash or hang;
// whatever compiles is evaluated against a few fixed messages, which must yield a condition
// (TRUE, FALSE, NULL) or the error state, nothing else.
#include "evaluator.hpp"
#include "parser.hpp"

#include <berth/plugin/error.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace berth::plugins::filter_sql;

berth_message_view make_view(const berth_property* properties, uint32_t count, std::string_view tag,
                             std::string_view keys) {
  berth_message_view view{};
  view.struct_size = sizeof view;
  view.topic = berth_str{"orders", 6};
  view.tags = berth_str{tag.data(), tag.size()};
  view.keys = berth_str{keys.data(), keys.size()};
  view.tag_hash = berth_tag_hash(view.tags);
  view.properties = properties;
  view.property_count = count;
  return view;
}

const berth_property numeric[] = {
    {{"a", 1}, {"5", 1}}, {{"b", 1}, {"2.5", 3}}, {{"c", 1}, {"-7", 2}},
    {{"price", 5}, {"3000000000", 10}}, {{"flag", 4}, {"true", 4}}};
const berth_property textual[] = {
    {{"a", 1}, {"five", 4}}, {{"b", 1}, {"", 0}}, {{"name", 4}, {"it's", 4}},
    {{"region", 6}, {"eu", 2}}, {{"x", 1}, {"NaN", 3}}};

void check_column(std::string_view message, size_t text_size) {
  if (message.substr(0, 4) != "col ") std::abort();
  const unsigned long column = std::strtoul(std::string(message.substr(4)).c_str(), nullptr, 10);
  if (column < 1 || column > text_size + 1) std::abort();
}

void check_result(const value& v) {
  if (v.type != value_type::boolean && v.type != value_type::null && v.type != value_type::error) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  compile_limits limits;
  limits.max_expression_bytes = 4096;
  limits.max_depth = 32;
  try {
    const program compiled = compile_expression(text, limits);
    static const berth_message_view messages[] = {
        make_view(numeric, 5, "paid", "k1 k2"), make_view(textual, 5, "", ""),
        make_view(nullptr, 0, "x", "k")};
    for (const berth_message_view& view : messages) {
      check_result(evaluate(compiled, berth::sdk::message(view)));
    }
  } catch (const berth::sdk::plugin_error& e) {
    if (e.status() != BERTH_E_INVALID) std::abort();
    check_column(e.what(), size);
  }
  return 0;
}
