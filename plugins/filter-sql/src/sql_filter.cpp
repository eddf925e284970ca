#include "sql_filter.hpp"

#include "evaluator.hpp"
#include "parser.hpp"

#include <utility>

namespace berth::plugins::filter_sql {

const char* const config_schema = R"json({
  "keys": {
    "max_expression_bytes": {"type": "size", "default": "4KiB", "min": "1B", "max": "1MiB",
                             "help": "longest expression compile() accepts"},
    "max_depth": {"type": "int", "default": 32, "min": 1, "max": 256,
                  "help": "deepest nesting of an expression (operators, parentheses, NOT and sign chains)"}
  }
})json";

sql_expression::sql_expression(program compiled, sdk::metric evaluations, sdk::metric errors)
    : program_(std::move(compiled)), prefilter_(tag_prefilter::of(program_)),
      evaluations_(evaluations), errors_(errors) {}

bool sql_expression::match(const sdk::message& m) const {
  const value result = evaluate(program_, m);
  evaluations_.add();
  if (result.is_error()) errors_.add();
  return result.is_true();  // NULL, FALSE and errors do not match
}

int sql_expression::tag_hash_verdict(uint64_t tag_hash) const {
  return prefilter_ ? prefilter_->verdict(tag_hash) : -1;
}

sql_filter::sql_filter(const sdk::host& host)
    : limits_{host.config_size("max_expression_bytes"),
              static_cast<uint32_t>(host.config_int("max_depth"))},
      evaluations_(host.counter("sql_filter_evaluations_total",
                                "Messages the SQL92 filter evaluated")),
      errors_(host.counter("sql_filter_errors_total",
                           "SQL92 evaluations that failed (a property not convertible to the "
                           "literal's type): the message is not delivered")) {}

std::unique_ptr<sdk::compiled_filter> sql_filter::compile(std::string_view expression) {
  return std::make_unique<sql_expression>(compile_expression(expression, limits_), evaluations_,
                                          errors_);
}

}  // namespace berth::plugins::filter_sql
